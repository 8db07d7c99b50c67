use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = tavle::cli::Cli::parse();
    match tavle::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

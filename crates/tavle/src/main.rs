use clap::Parser;

/// mimalloc instead of the system allocator: a request allocates many small strings (rows,
/// templates, JSON), and glibc's malloc spent a tenth of the people list's time consolidating.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

// Records the time a learner spends on an activity page: the visible time is sent every
// minute and when the page is hidden or left. The page works the same without it.
(function () {
  "use strict";
  var el = document.querySelector("[data-time-url]");
  if (!el) { return; }
  var url = el.getAttribute("data-time-url");
  var token = el.getAttribute("data-csrf");
  var since = Date.now();
  var visible = document.visibilityState === "visible";
  function flush() {
    if (!visible) { return; }
    var seconds = Math.round((Date.now() - since) / 1000);
    since = Date.now();
    if (seconds < 5) { return; }
    var body = new URLSearchParams({ csrf_token: token, seconds: String(seconds) });
    if (navigator.sendBeacon) {
      navigator.sendBeacon(url, body);
    } else {
      fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true });
    }
  }
  setInterval(flush, 60000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flush();
      visible = false;
    } else {
      visible = true;
      since = Date.now();
    }
  });
})();

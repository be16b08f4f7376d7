// Dispatch pages: let htmx swap in the fragment a refused change comes back with (409 refused
// by the lifecycle, 422 bad input), so the reason shows where the user acted.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Attendance countdowns: every element with data-deadline counts down each second and changes
// colour as it nears (data-warn-seconds before) and passes its deadline. The server's render
// sets the first value; this keeps it moving between live updates.
(function () {
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function text(seconds) {
    var sign = seconds < 0 ? "-" : "";
    var s = Math.abs(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return sign + (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(r);
  }
  function tick() {
    document.querySelectorAll(".countdown[data-deadline][data-warn-seconds]").forEach(function (el) {
      var left = Math.floor((Date.parse(el.dataset.deadline) - Date.now()) / 1000);
      var level = left < 0 ? "breached" : left <= Number(el.dataset.warnSeconds) ? "due_soon" : "on_time";
      el.textContent = text(left);
      el.classList.remove("level-on_time", "level-due_soon", "level-breached");
      el.classList.add("level-" + level);
    });
  }
  setInterval(tick, 1000);
})();

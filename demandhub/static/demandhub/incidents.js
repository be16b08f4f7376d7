// Deadline countdowns: every element with data-deadline shows the time left (or overdue),
// updated each second, after htmx swaps too.
(function () {
  function render(el) {
    var seconds = Math.round((new Date(el.dataset.deadline) - new Date()) / 1000);
    var minutes = Math.floor(Math.abs(seconds) / 60);
    var text = minutes >= 60 ? Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0") + " min" : minutes + " min";
    el.textContent = seconds >= 0 ? text + " left" : text + " overdue";
    el.classList.toggle("overdue", seconds < 0);
  }
  function tick() { document.querySelectorAll("[data-deadline]").forEach(render); }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
  document.addEventListener("htmx:afterSwap", tick);
})();

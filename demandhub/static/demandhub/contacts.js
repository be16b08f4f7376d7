// Contacts consoles: wait times that count up, and keyboard shortcuts.
(function () {
  function fmt(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)), ss = String(s).padStart(2, "0");
    return (h ? h + ":" : "") + mm + ":" + ss;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var since = Date.parse(el.dataset.since);
      if (isNaN(since)) return;
      var seconds = (now - since) / 1000;
      el.textContent = fmt(seconds);
      el.classList.toggle("long", seconds > 60);
    });
  }
  function typing(event) {
    var t = event.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  function showOutcomeFields() {
    var form = document.getElementById("outcome-form");
    if (!form) return;
    var chosen = form.querySelector("input[name=outcome]:checked");
    form.querySelectorAll("[data-for]").forEach(function (el) {
      el.hidden = !chosen || el.dataset.for.split(" ").indexOf(chosen.value) === -1;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    document.body.addEventListener("htmx:afterSwap", tick);
    showOutcomeFields();
    document.addEventListener("change", function (e) {
      if (e.target.name === "outcome") showOutcomeFields();
    });
    document.addEventListener("keydown", function (e) {
      var form = document.getElementById("outcome-form");
      if (form && e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); return; }
      if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "n" || e.key === "N") {
        var take = document.querySelector("[data-shortcut=n]");
        if (take) { e.preventDefault(); take.click(); }
      } else if (form && /^[1-9]$/.test(e.key)) {
        var radios = form.querySelectorAll("input[name=outcome]");
        var radio = radios[Number(e.key) - 1];
        if (radio) {
          e.preventDefault();
          radio.checked = true;
          showOutcomeFields();
          var first = form.querySelector("[data-for]:not([hidden]) textarea, [data-for]:not([hidden]) input");
          if (first) first.focus();
        }
      }
    });
  });
})();

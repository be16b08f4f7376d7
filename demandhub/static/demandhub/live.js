// Live updates: an element with data-live-group="<group>" opens /ws/live/<group>/ and, on each
// notice, fires the htmx event "live:<kind>" (and "live:changed") on itself, so the page re-fetches
// the affected fragment through its normal, permission-checked view. Reconnects with back-off.
(function () {
  function connect(el, delay) {
    var group = el.dataset.liveGroup;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/live/" + group + "/");
    var state = el.querySelector(".live-state");
    socket.onopen = function () {
      delay = 500;
      if (state) { state.textContent = "live"; state.className = "live-state connected"; }
      el.dispatchEvent(new CustomEvent("live:connected", { bubbles: false }));
    };
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.type !== "changed") return;
      var detail = { kind: data.kind, pk: data.pk };
      el.dispatchEvent(new CustomEvent("live:" + data.kind, { detail: detail }));
      el.dispatchEvent(new CustomEvent("live:changed", { detail: detail }));
    };
    socket.onclose = function (event) {
      if (state) { state.textContent = "reconnecting"; state.className = "live-state disconnected"; }
      if (event.code >= 4400 && event.code < 4500) return;  // refused: retrying will not help
      setTimeout(function () { connect(el, Math.min(delay * 2, 10000)); }, delay);
    };
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live-group]").forEach(function (el) { connect(el, 500); });
  });
})();

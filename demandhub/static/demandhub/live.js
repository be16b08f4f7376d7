// Live updates. Any element with data-live-group="<group>" listens to /ws/live/<group>/: on each
// notice it receives the htmx events "live:<kind>" and "live:changed" (detail: {kind, pk}), so the
// page re-fetches the affected fragment through its normal, permission-checked view.
//
// One socket per group for the whole page, and listeners are looked up when a notice arrives,
// not when the socket opens: htmx may swap the listening element (even with outerHTML) and the
// new one keeps hearing. Elements with class "live-state" inside a listener, or with
// data-live-state="<group>", show the connection state. Reconnects with back-off.
(function () {
  var sockets = {};
  var states = {};

  function listeners(group) {
    return document.querySelectorAll('[data-live-group="' + group + '"]');
  }

  function showState(group) {
    var connected = states[group] === "live";
    var selector = '[data-live-group="' + group + '"] .live-state, [data-live-state="' + group + '"]';
    document.querySelectorAll(selector).forEach(function (el) {
      el.textContent = states[group] || "connecting";
      el.className = "live-state " + (connected ? "connected" : "disconnected");
    });
  }

  function connect(group, delay) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/live/" + group + "/");
    sockets[group] = socket;
    socket.onopen = function () {
      delay = 500;
      states[group] = "live";
      showState(group);
      listeners(group).forEach(function (el) { el.dispatchEvent(new CustomEvent("live:connected")); });
    };
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      // One notice, or several the server coalesced into one frame (core/consumers.py), in order.
      var changes = data.type === "changed" ? [data] : data.type === "changes" ? data.changes : [];
      changes.forEach(function (change) {
        var detail = { kind: change.kind, pk: change.pk };
        listeners(group).forEach(function (el) {
          el.dispatchEvent(new CustomEvent("live:" + change.kind, { detail: detail }));
          el.dispatchEvent(new CustomEvent("live:changed", { detail: detail }));
        });
      });
    };
    socket.onclose = function (event) {
      states[group] = event.code >= 4400 && event.code < 4500 ? "refused" : "reconnecting";
      showState(group);
      if (states[group] === "refused") return;  // retrying will not help
      setTimeout(function () { connect(group, Math.min(delay * 2, 10000)); }, delay);
    };
  }

  function scan() {
    document.querySelectorAll("[data-live-group]").forEach(function (el) {
      var group = el.dataset.liveGroup;
      if (!sockets[group]) connect(group, 500);
      else showState(group);
    });
  }

  document.addEventListener("DOMContentLoaded", scan);
  // A swapped-in fragment may carry a new listener or a fresh state label.
  document.addEventListener("htmx:afterSettle", scan);
})();

// Web chat, both sides. Messages are stored before they are broadcast; on every (re)connect
// the client asks for everything after the last id it has, so a dropped connection loses
// nothing, and ids de-duplicate what arrives twice. Each message sent carries a key and is
// resent on reconnect until the server acknowledges it ("chat.sent"): the key makes the
// resend post it once.
(function () {
  function start(box) {
    var log = box.querySelector(".chat-log");
    var form = box.querySelector(".chat-send");
    var input = form.querySelector("textarea");
    var state = box.querySelector(".chat-state");
    var errorEl = box.querySelector(".chat-error");
    var endedEl = box.querySelector(".chat-ended");
    var me = box.dataset.chatMe;
    var lastId = 0, socket = null, delay = 500, ended = !!box.dataset.chatEnded;
    var pending = {};  // key -> body, sent but not yet acknowledged
    var initial = JSON.parse(document.getElementById("chat-initial").textContent || "[]");

    function add(m) {
      if (m.id <= lastId) return;
      lastId = m.id;
      var li = document.createElement("li");
      li.className = m.sender === "system" ? "system" : (m.sender === me ? "mine" : "theirs");
      li.dataset.id = m.id;
      var meta = document.createElement("span");
      meta.className = "meta";
      var who = m.sender === "operator" ? (me === "operator" ? "You" : (m.author || "Operator")) : (m.sender === "public" ? (me === "public" ? "You" : "Caller") : "");
      var time = new Date(m.sent_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      meta.textContent = who ? who + " · " + time : time;
      var body = document.createElement("span");
      body.className = "body";
      body.textContent = m.body;
      li.appendChild(meta);
      li.appendChild(body);
      log.appendChild(li);
      log.scrollTop = log.scrollHeight;
      var waiting = document.getElementById("waiting-note");
      if (waiting && m.sender === "system") waiting.hidden = true;
    }
    function end() {
      ended = true;
      input.disabled = true;
      form.querySelector("button").disabled = true;
      endedEl.hidden = false;
    }
    function connect() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + location.host + box.dataset.chatSocket);
      socket.onopen = function () {
        delay = 500;
        state.textContent = "connected";
        state.className = "chat-state connected";
        socket.send(JSON.stringify({ type: "sync", after: lastId }));
        Object.keys(pending).forEach(function (key) {
          socket.send(JSON.stringify({ type: "send", body: pending[key], key: key }));
        });
      };
      socket.onmessage = function (event) {
        var data = JSON.parse(event.data);
        if (data.type === "chat.message") add(data.message);
        else if (data.type === "chat.messages") { data.messages.forEach(add); if (data.ended) end(); }
        else if (data.type === "chat.ended") end();
        else if (data.type === "chat.sent") delete pending[data.key];
        else if (data.type === "error") { pending = {}; errorEl.textContent = data.detail; errorEl.hidden = false; }
      };
      socket.onclose = function (event) {
        state.textContent = "reconnecting";
        state.className = "chat-state muted";
        if (event.code >= 4400 && event.code < 4500) { state.textContent = "not available"; return; }
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 10000);
      };
    }
    function send() {
      var body = input.value.trim();
      if (!body || ended) return;
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        errorEl.textContent = "Reconnecting: your message has not been sent yet.";
        errorEl.hidden = false;
        return;
      }
      errorEl.hidden = true;
      var key = Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
      pending[key] = body;
      socket.send(JSON.stringify({ type: "send", body: body, key: key }));
      input.value = "";
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); send(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); send(); }
    });
    initial.forEach(add);
    if (ended) end();
    connect();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chat-socket]").forEach(start);
  });
})();

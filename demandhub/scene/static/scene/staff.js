// The scene panel on an incident: watches each caller's stream (WebRTC, signalling on
// /ws/scene/incident/<id>/), shows the caller's positions as they arrive, and captures stills
// (canvas) and recordings (MediaRecorder) as evidence, uploaded to the server which hashes them.
(function () {
  "use strict";
  if (window.sceneWatcher) return;  // the panel was loaded again: one watcher per page
  // The link box selects itself on click, for copying (no inline handler: see the CSP).
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("[data-select-on-click]")) target.select();
  });
  var panel = document.getElementById("scene");
  if (!panel) return;
  var iceServers = JSON.parse(document.getElementById("scene-ice-servers").textContent);
  var socket = null;
  var delay = 1000;
  var stopped = false;
  var pcs = {};
  var recorders = {};

  var LINK_STATES = {
    waiting: "waiting", opened: "opened, no consent yet", consented: "in use",
    connected: "in use: streaming", disconnected: "in use: caller disconnected", revoked: "revoked"
  };

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function showSocketState(text, ok) {
    var el = panel.querySelector(".scene-socket-state");
    if (!el) return;
    el.textContent = text;
    el.className = "scene-socket-state " + (ok ? "connected" : "disconnected");
  }

  function tile(link) {
    var el = document.getElementById("scene-tile-" + link);
    if (el) return el;
    var empty = panel.querySelector(".scene-empty");
    if (empty) empty.remove();
    el = document.createElement("figure");
    el.className = "scene-tile";
    el.id = "scene-tile-" + link;
    el.dataset.link = link;
    el.innerHTML =
      '<video autoplay playsinline muted aria-label="Live video from the caller"></video>' +
      '<figcaption><span class="tile-state">Connecting to the caller…</span></figcaption>' +
      '<div class="tile-actions">' +
      '<button type="button" class="secondary small" data-act="still">Take a still</button>' +
      '<button type="button" class="secondary small" data-act="record">Start recording</button>' +
      '<button type="button" class="secondary small" data-act="sound">Sound on</button>' +
      '<span class="tile-note" role="status"></span></div>';
    el.querySelector('[data-act="still"]').onclick = function () { still(link); };
    el.querySelector('[data-act="record"]').onclick = function () { toggleRecording(link); };
    el.querySelector('[data-act="sound"]').onclick = function (e) {
      var video = el.querySelector("video");
      video.muted = !video.muted;
      e.target.textContent = video.muted ? "Sound on" : "Sound off";
    };
    document.getElementById("scene-videos").appendChild(el);
    return el;
  }

  function note(link, text) {
    tile(link).querySelector(".tile-note").textContent = text;
  }

  function caption(link, text) {
    tile(link).querySelector(".tile-state").textContent = "Link #" + link + ": " + text;
  }

  function watch(link) {
    send({ type: "watch", link: Number(link) });
  }

  function onOffer(m) {
    if (pcs[m.link]) pcs[m.link].close();
    var pc = new RTCPeerConnection({ iceServers: iceServers });
    pcs[m.link] = pc;
    var video = tile(m.link).querySelector("video");
    pc.ontrack = function (event) {
      if (video.srcObject !== event.streams[0]) video.srcObject = event.streams[0];
      caption(m.link, "live");
    };
    pc.onicecandidate = function (event) {
      if (!event.candidate) return;
      send({ type: "candidate", link: m.link, candidate: {
        candidate: event.candidate.candidate,
        sdpMid: event.candidate.sdpMid,
        sdpMLineIndex: event.candidate.sdpMLineIndex
      } });
    };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "failed") caption(m.link, "connection failed; waiting for the caller");
    };
    pc.setRemoteDescription({ type: "offer", sdp: m.sdp })
      .then(function () { return pc.createAnswer(); })
      .then(function (answer) { return pc.setLocalDescription(answer); })
      .then(function () { send({ type: "answer", link: m.link, sdp: pc.localDescription.sdp }); })
      .catch(function (error) { caption(m.link, "could not connect (" + error.name + ")"); });
  }

  function onCaller(m) {
    var row = document.querySelector('#scene-links tr[data-link="' + m.link + '"] .link-state');
    if (row && LINK_STATES[m.state]) row.textContent = LINK_STATES[m.state];
    if (m.state === "connected" && !("camera" in m)) {
      caption(m.link, "caller connected");
      watch(m.link);
    } else if (m.state === "connected") {
      if (!m.camera) caption(m.link, "the caller is not sharing the camera");
      if (m.location === "denied") note(m.link, "The caller refused to share their location.");
    } else if (m.state === "disconnected") {
      if (document.getElementById("scene-tile-" + m.link)) caption(m.link, "caller disconnected; the link still works, waiting for them to reconnect");
      if (pcs[m.link]) { pcs[m.link].close(); delete pcs[m.link]; }
    } else if (m.state === "revoked") {
      if (pcs[m.link]) { pcs[m.link].close(); delete pcs[m.link]; }
      if (document.getElementById("scene-tile-" + m.link)) caption(m.link, "link withdrawn");
    }
  }

  function onLocation(m) {
    var list = document.getElementById("scene-positions");
    if (!list) return;
    var empty = list.querySelector(".muted");
    if (empty && empty.tagName === "LI") empty.remove();
    var li = document.createElement("li");
    var at = new Date(m.at).toLocaleTimeString("en-GB");
    li.textContent = at + " · " + m.latitude.toFixed(5) + ", " + m.longitude.toFixed(5) + " ±" + Math.round(m.accuracy) + " m" +
      (m.applied ? " (set as the incident's location)" : "");
    li.className = "fresh";
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 5) list.removeChild(list.lastChild);
  }

  function upload(link, kind, blob, name) {
    var form = new FormData();
    form.append("kind", kind);
    form.append("file", blob, name);
    note(link, "Saving the " + kind + "…");
    return fetch(panel.dataset.captureUrl.replace(/\/0\/evidence\/$/, "/" + link + "/evidence/"), {
      method: "POST", body: form, credentials: "same-origin",
      headers: { "X-CSRFToken": panel.dataset.csrf }
    }).then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) { note(link, "Not saved: " + text); return; }
        var current = document.getElementById("scene-evidence");
        current.outerHTML = text;
        var fresh = document.getElementById("scene-evidence");
        if (window.htmx) window.htmx.process(fresh);
        note(link, "The " + kind + " was saved as evidence.");
      });
    }).catch(function () { note(link, "Not saved: the server could not be reached."); });
  }

  function still(link) {
    var video = tile(link).querySelector("video");
    if (!video.videoWidth) { note(link, "No picture yet."); return; }
    var canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    canvas.toBlob(function (blob) { upload(link, "still", blob, "still.png"); }, "image/png");
  }

  function toggleRecording(link) {
    var button = tile(link).querySelector('[data-act="record"]');
    var current = recorders[link];
    if (current) { current.stop(); return; }
    var video = tile(link).querySelector("video");
    if (!video.srcObject) { note(link, "Nothing to record yet."); return; }
    var type = ["video/webm;codecs=vp8,opus", "video/webm"].filter(function (t) {
      return window.MediaRecorder && MediaRecorder.isTypeSupported(t);
    })[0];
    if (!type) { note(link, "This browser cannot record video."); return; }
    var chunks = [];
    var recorder = new MediaRecorder(video.srcObject, { mimeType: type });
    recorder.ondataavailable = function (event) { if (event.data.size) chunks.push(event.data); };
    recorder.onstop = function () {
      delete recorders[link];
      button.textContent = "Start recording";
      upload(link, "recording", new Blob(chunks, { type: "video/webm" }), "recording.webm");
    };
    recorder.start(1000);
    recorders[link] = recorder;
    button.textContent = "Stop recording";
    note(link, "Recording…");
  }

  var handlers = {
    welcome: function () {
      showSocketState("live", true);
      delay = 1000;
      (panel.dataset.liveLinks || "").split(",").filter(Boolean).forEach(watch);
    },
    caller: onCaller,
    offer: onOffer,
    candidate: function (m) {
      if (pcs[m.link]) pcs[m.link].addIceCandidate(m.candidate).catch(function () {});
    },
    location: onLocation,
    evidence: function () { document.body.dispatchEvent(new CustomEvent("scene:evidence")); },
    error: function (m) { console.warn("scene socket:", m.detail); },
    pong: function () {}
  };

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + panel.dataset.socket);
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      var handler = handlers[message.type];
      if (handler) handler(message);
    };
    socket.onclose = function (event) {
      if (event.code >= 4400 && event.code < 4500) { showSocketState("refused", false); stopped = true; return; }
      showSocketState("reconnecting", false);
      if (!stopped) setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10000);
    };
  }

  window.sceneWatcher = { pcs: pcs, watch: watch };
  setInterval(function () { send({ type: "ping" }); }, 20000);
  connect();
})();

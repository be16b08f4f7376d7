// The caller's page: streams the camera and microphone to each member of staff who watches, over
// WebRTC with signalling on /ws/scene/<token>/, and shares the phone's position as it changes.
// Location works without the camera. A dropped connection reconnects while the link works.
(function () {
  "use strict";
  var root = document.getElementById("caller");
  if (!root) return;
  var iceServers = JSON.parse(document.getElementById("ice-servers").textContent);
  var stateEl = document.getElementById("caller-state");
  var cameraEl = document.getElementById("camera-state");
  var locationEl = document.getElementById("location-state");
  var watchersEl = document.getElementById("watchers");
  var preview = document.getElementById("preview");

  var stream = null;
  var cameraShared = false;
  var locationState = "off";
  var lastPosition = null;
  var socket = null;
  var delay = 1000;
  var finished = false;
  var peers = {};
  var watchers = {};  // peers watching, with or without a video connection

  var REFUSED = {
    4401: "This link does not work. If you still need the police, ask for a new link.",
    4403: "This link is being used on another device, or sharing was not agreed on this one.",
    4410: "This link has expired or was withdrawn by the control room. Sharing has stopped.",
    4400: "Something went wrong with this page. Reload it to try again."
  };

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function sendStatus() {
    send({ type: "status", camera: cameraShared, location: locationState });
  }

  function showWatchers() {
    var n = Object.keys(watchers).length;
    watchersEl.textContent = n === 0 ? "Nobody yet" : n === 1 ? "1 person in the control room" : n + " people in the control room";
  }

  function closePeer(id) {
    if (peers[id]) { peers[id].close(); delete peers[id]; }
    showWatchers();
  }

  function closeAllPeers() {
    Object.keys(peers).forEach(closePeer);
    watchers = {};
    showWatchers();
  }

  function stopEverything(message) {
    finished = true;
    closeAllPeers();
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    if (watchId !== null && navigator.geolocation) navigator.geolocation.clearWatch(watchId);
    preview.srcObject = null;
    stateEl.textContent = message;
    root.classList.add("stopped");
  }

  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraEl.textContent = "Not available in this browser. Your location is still shared.";
      return Promise.resolve();
    }
    var video = { facingMode: "environment" };
    return navigator.mediaDevices.getUserMedia({ video: video, audio: true })
      .catch(function () { return navigator.mediaDevices.getUserMedia({ video: video, audio: false }); })
      .then(function (s) {
        stream = s;
        cameraShared = true;
        preview.srcObject = s;
        cameraEl.textContent = s.getAudioTracks().length ? "Shared, with sound" : "Shared (no microphone)";
      })
      .catch(function (error) {
        cameraShared = false;
        preview.hidden = true;
        var why = error && error.name === "NotFoundError" ? "no camera was found" : "the camera was not allowed";
        cameraEl.textContent = "Not shared: " + why + ". Your location is still shared.";
      });
  }

  var watchId = null;
  function startLocation() {
    if (!navigator.geolocation) {
      locationState = "unavailable";
      locationEl.textContent = "Not available in this browser";
      return;
    }
    watchId = navigator.geolocation.watchPosition(function (position) {
      locationState = "sharing";
      lastPosition = {
        type: "location",
        latitude: position.coords.latitude,
        longitude: position.coords.longitude,
        accuracy: position.coords.accuracy || 0
      };
      locationEl.textContent = "Shared (accurate to " + Math.round(lastPosition.accuracy) + " m)";
      send(lastPosition);
    }, function (error) {
      locationState = error.code === 1 ? "denied" : "unavailable";
      locationEl.textContent = error.code === 1 ? "Not shared: permission refused" : "Not available yet";
      sendStatus();
    }, { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 });
  }

  function newPeer(id) {
    closePeer(id);
    var pc = new RTCPeerConnection({ iceServers: iceServers });
    peers[id] = pc;
    stream.getTracks().forEach(function (track) { pc.addTrack(track, stream); });
    pc.onicecandidate = function (event) {
      if (!event.candidate) return;
      send({ type: "candidate", to: id, candidate: {
        candidate: event.candidate.candidate,
        sdpMid: event.candidate.sdpMid,
        sdpMLineIndex: event.candidate.sdpMLineIndex
      } });
    };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "failed") closePeer(id);
    };
    showWatchers();
    return pc;
  }

  function onWatch(id) {
    watchers[id] = true;
    showWatchers();
    sendStatus();
    if (!stream) return;  // staff learn from the status that there is no camera
    var pc = newPeer(id);
    pc.createOffer()
      .then(function (offer) { return pc.setLocalDescription(offer); })
      .then(function () { send({ type: "offer", to: id, sdp: pc.localDescription.sdp }); })
      .catch(function (error) { console.warn("offer failed", error); closePeer(id); });
  }

  var handlers = {
    welcome: function () {
      stateEl.textContent = "Connected to the control room";
      sendStatus();
      if (lastPosition) send(lastPosition);
    },
    watch: function (m) { onWatch(m.peer); },
    leave: function (m) { delete watchers[m.peer]; closePeer(m.peer); },
    answer: function (m) {
      if (peers[m.from]) peers[m.from].setRemoteDescription({ type: "answer", sdp: m.sdp });
    },
    candidate: function (m) {
      if (peers[m.from]) peers[m.from].addIceCandidate(m.candidate).catch(function () {});
    },
    revoked: function () { stopEverything(REFUSED[4410]); },
    expired: function () { stopEverything(REFUSED[4410]); },
    error: function (m) { console.warn("refused by the server:", m.detail); },
    pong: function () {}
  };

  function connect() {
    if (finished) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.socket);
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      var handler = handlers[message.type];
      if (handler) handler(message);
    };
    socket.onclose = function (event) {
      closeAllPeers();
      if (finished) return;
      if (REFUSED[event.code]) { stopEverything(REFUSED[event.code]); return; }
      stateEl.textContent = "Connection lost: reconnecting…";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10000);
    };
  }

  setInterval(function () { send({ type: "ping" }); }, 20000);
  startLocation();
  startCamera().then(connect);
})();

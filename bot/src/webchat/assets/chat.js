// loket web chat: the script of the chat page (/chat), standalone or inside the widget's iframe.
// See bot/src/webchat/. No dependencies, nothing loaded from elsewhere. Every message is built
// from DOM text nodes, never from HTML. The page's words come from the JSON block the server
// writes into the page (conversation/text.rs); none are written here.
//
// The session token lives in this origin's localStorage (partitioned per embedding site by the
// browser), so a reload continues the conversation; it travels in the Authorization header,
// which no other site can make the browser send. New messages (replies and status
// notifications) come from a long poll; a hidden tab stops polling until it is shown again.
(function () {
  'use strict';

  var texts = JSON.parse(document.getElementById('chat-texts').textContent);
  var base = new URL('.', document.currentScript.src);
  var params = new URLSearchParams(window.location.search);
  var embedded = params.get('embed') === '1';
  var agency = (params.get('agency') || '').trim().slice(0, 100);
  var title = (params.get('title') || '').trim().slice(0, 80);
  var STORE_KEY = 'loket-chat-session';
  var WAIT_SECS = 25;

  var byId = function (id) { return document.getElementById(id); };
  var log = byId('chat-log');
  var form = byId('chat-form');
  var input = byId('chat-input');
  var sendButton = byId('chat-send');
  var locationButton = byId('chat-location');
  var photoButton = byId('chat-photo');
  var photoFile = byId('chat-photo-file');
  var errorBox = byId('chat-error');
  var statusBox = byId('chat-status');

  var token = stored();
  var lastSeq = 0;
  var busy = false;
  var polling = false;

  function stored() {
    try { return window.localStorage.getItem(STORE_KEY); } catch (e) { return null; }
  }

  function keep(value) {
    try {
      if (value) { window.localStorage.setItem(STORE_KEY, value); } else { window.localStorage.removeItem(STORE_KEY); }
    } catch (e) { /* storage blocked: the conversation lasts as long as the page */ }
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function visible() {
    return new Promise(function (resolve) {
      if (!document.hidden) { resolve(); return; }
      var on = function () {
        if (!document.hidden) { document.removeEventListener('visibilitychange', on); resolve(); }
      };
      document.addEventListener('visibilitychange', on);
    });
  }

  function failure(message, status) {
    var error = new Error(message);
    error.status = status;
    return error;
  }

  async function api(method, path, body) {
    var headers = { Accept: 'application/json' };
    if (token) { headers.Authorization = 'Bearer ' + token; }
    var init = { method: method, headers: headers, credentials: 'omit', cache: 'no-store' };
    if (body instanceof Blob) {
      // A photo goes as itself, with its own type (the server checks it against its bytes).
      headers['Content-Type'] = body.type || 'application/octet-stream';
      init.body = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    var response;
    try {
      response = await fetch(new URL(path, base), init);
    } catch (e) {
      throw failure(texts.offline, 0);
    }
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      var message = data && data.error && data.error.message;
      throw failure(message || texts.offline, response.status);
    }
    return data || {};
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = '';
  }

  function setBusy(on) {
    busy = on;
    sendButton.disabled = on;
    sendButton.textContent = on ? texts.sending : texts.send;
    log.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  // One message: paragraphs of styled lines (an empty line starts a new paragraph), then the
  // buttons in their rows.
  function render(message) {
    var item = document.createElement('div');
    item.className = 'msg msg-' + (message.from === 'citizen' ? 'citizen' : 'loket');
    if (message.kind === 'notice') { item.className += ' msg-notice'; }
    item.setAttribute('data-seq', String(message.seq));
    var who = document.createElement('span');
    who.className = 'sr-only';
    who.textContent = (message.from === 'citizen' ? texts.you : texts.loket) + ': ';
    var bubble = document.createElement('div');
    bubble.className = 'bubble';
    bubble.appendChild(who);
    var paragraph = null;
    (message.lines || []).forEach(function (line) {
      if (line.text === '') { paragraph = null; return; }
      if (paragraph) {
        paragraph.appendChild(document.createElement('br'));
      } else {
        paragraph = document.createElement('p');
        bubble.appendChild(paragraph);
      }
      var node;
      if (line.style === 'bold') {
        node = document.createElement('strong');
        node.textContent = line.text;
      } else if (line.style === 'italic') {
        node = document.createElement('em');
        node.textContent = line.text;
      } else {
        node = document.createTextNode(line.text);
      }
      paragraph.appendChild(node);
    });
    item.appendChild(bubble);
    var rows = message.buttons || [];
    if (rows.length) {
      var group = document.createElement('div');
      group.className = 'choices';
      group.setAttribute('role', 'group');
      rows.forEach(function (row) {
        var line = document.createElement('div');
        line.className = 'choice-row';
        row.forEach(function (button) {
          var element = document.createElement('button');
          element.type = 'button';
          element.className = 'choice';
          element.textContent = button.label;
          element.setAttribute('data-choice', button.choice);
          element.addEventListener('click', function () {
            send({ choice: button.choice, label: button.label });
          });
          line.appendChild(element);
        });
        group.appendChild(line);
      });
      item.appendChild(group);
    }
    return item;
  }

  // What the newest reply asks for: a place offers the location button; the attachments step
  // the photo button (and says which files the web chat takes).
  function expect(inputKind) {
    locationButton.hidden = !(inputKind === 'place' && navigator.geolocation);
    photoButton.hidden = inputKind !== 'attachments';
    if (inputKind === 'attachments') {
      statusBox.textContent = texts.noAttachments;
      statusBox.hidden = false;
    } else {
      statusBox.hidden = true;
    }
  }

  // Shows the messages after the last one shown. Every answer of the server lists all messages
  // after the number the page sent, so taking only newer numbers keeps the order and skips
  // none, whichever of the poll and a post answers first.
  function show(data) {
    var follow = nearBottom();
    var newest = null;
    (data.messages || []).forEach(function (message) {
      if (message.seq <= lastSeq) { return; }
      log.appendChild(render(message));
      lastSeq = message.seq;
      if (message.from !== 'citizen' && message.kind !== 'notice') { newest = message; }
      if (message.from === 'citizen') { follow = true; }
    });
    if (newest) { expect(newest.input); }
    if (follow) { log.scrollTop = log.scrollHeight; }
  }

  async function restart() {
    token = null;
    keep(null);
    lastSeq = 0;
    log.textContent = '';
    await start();
  }

  async function poll() {
    if (polling) { return; }
    polling = true;
    var failures = 0;
    while (token) {
      await visible();
      try {
        var data = await api('GET', 'api/messages?after=' + lastSeq + '&wait=' + WAIT_SECS);
        if (failures > 0) { clearError(); }
        failures = 0;
        show(data);
      } catch (error) {
        if (error.status === 401) { polling = false; await restart(); return; }
        failures += 1;
        if (failures > 1) { showError(error.message); }
        await sleep(Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5))));
      }
    }
    polling = false;
  }

  async function start() {
    if (token) {
      try {
        show(await api('GET', 'api/messages?after=0'));
        poll();
        return;
      } catch (error) {
        if (error.status !== 401) {
          showError(error.message);
          await sleep(5000);
          return start();
        }
        token = null;
        keep(null);
      }
    }
    try {
      var data = await api('POST', 'api/session', { agency: agency || null });
      token = data.token;
      keep(token);
      clearError();
      show(data);
      poll();
    } catch (error) {
      showError(error.message);
      await sleep(5000);
      return start();
    }
  }

  async function send(payload) {
    if (busy || !token) { return false; }
    setBusy(true);
    clearError();
    try {
      payload.after = lastSeq;
      show(await api('POST', 'api/messages', payload));
      return true;
    } catch (error) {
      if (error.status === 401) { await restart(); } else { showError(error.message); }
      return false;
    } finally {
      setBusy(false);
    }
  }

  function autosize() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 160) + 'px';
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { showError(texts.empty); input.focus(); return; }
    if (Array.from(text).length > texts.maxChars) { showError(texts.tooLong); return; }
    if (await send({ text: text })) {
      input.value = '';
      autosize();
    }
    input.focus();
  });

  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener('input', autosize);

  document.querySelectorAll('[data-command]').forEach(function (button) {
    button.addEventListener('click', function () { send({ text: button.getAttribute('data-command') }); });
  });

  locationButton.addEventListener('click', function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      send({ location: { latitude: position.coords.latitude, longitude: position.coords.longitude } });
    }, function () {
      showError(texts.locationFailed);
    }, { timeout: 15000, maximumAge: 60000 });
  });

  async function sendPhoto(file) {
    if (busy || !token) { return; }
    if (['image/jpeg', 'image/png', 'image/webp'].indexOf(file.type) < 0) { showError(texts.photoType); return; }
    if (file.size > texts.maxPhotoBytes) { showError(texts.photoTooLarge); return; }
    setBusy(true);
    clearError();
    try {
      show(await api('POST', 'api/photos?after=' + lastSeq, file));
    } catch (error) {
      if (error.status === 401) { await restart(); } else { showError(error.message); }
    } finally {
      setBusy(false);
      photoFile.value = '';
    }
  }

  photoButton.addEventListener('click', function () { photoFile.click(); });
  photoFile.addEventListener('change', function () {
    if (photoFile.files && photoFile.files[0]) { sendPhoto(photoFile.files[0]); }
  });

  if (title) {
    byId('chat-title').textContent = title;
    document.title = title;
  }
  if (embedded) {
    document.documentElement.className += ' embedded';
    var closeButton = byId('chat-close');
    var close = function () { window.parent.postMessage({ type: 'loket-chat:close' }, '*'); };
    closeButton.hidden = false;
    closeButton.addEventListener('click', close);
    document.addEventListener('keydown', function (event) { if (event.key === 'Escape') { close(); } });
  }

  start();
}());

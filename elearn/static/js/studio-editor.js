/* The studio's lesson editor: Markdown toolbar, live preview, minutes from the word count,
   autosave with a copy on this device, conflict view, uploads. Every part is an
   enhancement: without this file the form's buttons save, preview and upload by POST. */
(function () {
  "use strict";

  var form = document.getElementById("lesson-editor");
  if (!form || !window.fetch || !window.JSON) { return; }
  var text = form.querySelector("textarea[name=markdown]");
  var title = form.querySelector("input[name=title]");
  var minutes = form.querySelector("input[name=minutes]");
  var version = form.querySelector("input[name=version]");
  var csrf = form.querySelector("input[name=csrf_token]");
  var status = document.getElementById("autosave-status");
  var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };
  var storagePrefix = form.getAttribute("data-storage-key").replace(/:\d+$/, ":");
  var storage = null;
  try { storage = window.localStorage; } catch (e) { storage = null; }

  // ------------------------------------------------------------------ the toolbar
  var toolbar = document.getElementById("md-toolbar");
  function replaceSelection(before, middle, after) {
    var start = text.selectionStart, end = text.selectionEnd;
    var chosen = text.value.slice(start, end) || middle;
    text.setRangeText(before + chosen + after, start, end, "end");
    text.setSelectionRange(start + before.length, start + before.length + chosen.length);
    text.focus();
    text.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function lineStart() {
    var start = text.selectionStart;
    return start === 0 || text.value.charAt(start - 1) === "\n" ? "" : "\n";
  }
  if (toolbar) {
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-md]");
      if (!button) { return; }
      var placeholder = button.getAttribute("data-placeholder") || "";
      switch (button.getAttribute("data-md")) {
        case "bold": replaceSelection("**", "", "**"); break;
        case "italic": replaceSelection("*", "", "*"); break;
        case "heading": replaceSelection(lineStart() + "## ", "", ""); break;
        case "list": replaceSelection(lineStart() + "- ", "", ""); break;
        case "link": replaceSelection("[", placeholder, "](https://)"); break;
        case "table":
          replaceSelection(lineStart() + "\n| " + placeholder + " 1 | " + placeholder + " 2 |\n| --- | --- |\n| ", "", " |  |\n");
          break;
      }
    });
  }

  // ------------------------------------------------------------------ minutes suggested
  var minutesHint = minutes && document.getElementById(minutes.id + "-hint");
  var perMinute = parseInt(form.getAttribute("data-words-per-minute"), 10) || 200;
  function suggest() {
    if (!minutesHint) { return; }
    var words = (text.value.match(/[\p{L}\p{N}\p{M}_]+/gu) || []).length;
    var mins = Math.max(1, Math.min(240, Math.round(words / perMinute)));
    minutesHint.textContent = msg("suggest").replace("__WORDS__", words).replace("__MIN__", mins);
  }

  // ------------------------------------------------------------------ talking to the server
  // Not form.action: the form's buttons are named "action", and form.action is them.
  var saveUrl = form.getAttribute("action");
  function post(body) {
    body.csrf_token = csrf ? csrf.value : "";
    return fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": body.csrf_token
      },
      body: JSON.stringify(body)
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      // A login page (the session ended) is not an answer: keep the text, retry later.
      if (type.indexOf("application/json") === -1) { throw new Error("not json"); }
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    });
  }
  function fields() {
    return { title: title.value, minutes: minutes.value, markdown: text.value };
  }

  // ------------------------------------------------------------------ live preview
  var preview = document.getElementById("live-preview");
  var previewBody = document.getElementById("live-preview-body");
  var previewHeading = document.getElementById("live-preview-heading");
  var previewTimer = null, previewLatest = 0;
  function refreshPreview() {
    var request = ++previewLatest;
    var body = fields();
    body.version = version.value;
    body.action = "preview";
    post(body).then(function (answer) {
      if (request !== previewLatest || answer.status !== 200) { return; }
      previewHeading.textContent = title.value;
      previewBody.innerHTML = answer.data.html;  // sanitised by the server, as for learners
      preview.hidden = false;
    }).catch(function () { /* offline: the preview waits for the next change */ });
  }

  // ------------------------------------------------------------------ autosave
  var conflict = form.getAttribute("data-conflict") === "yes";
  // On the server's conflict page the form carries their version: a copy kept from it is
  // filed under version 0, so putting it back later is a conflict again, never an overwrite.
  var pageConflict = conflict;
  var saveTimer = null, retryTimer = null, retryDelay = 5000;
  var inFlight = false, again = false, dirty = false;
  function say(text_) { if (status) { status.textContent = text_; } }
  function storageKey() { return storagePrefix + (pageConflict ? "0" : version.value); }
  function keep() {
    if (!storage) { return; }
    try {
      var copy = fields();
      copy.at = Date.now();
      storage.setItem(storageKey(), JSON.stringify(copy));
    } catch (e) { /* full or refused: the server copy is all there is */ }
  }
  function forget() {
    if (!storage) { return; }
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (key && key.indexOf(storagePrefix) === 0) { storage.removeItem(key); }
    }
  }
  function showConflict(theirs) {
    conflict = true;
    clearTimeout(saveTimer);
    clearTimeout(retryTimer);
    say(msg("conflict"));
    var panel = document.getElementById("conflict-panel");
    document.getElementById("conflict-theirs").value = theirs.markdown;
    document.getElementById("conflict-who").textContent =
      (theirs.by ? theirs.by + " · " : "") + theirs.title + " · " + (theirs.when || theirs.at);
    panel.setAttribute("data-version", theirs.version);
    panel.hidden = false;
    panel.focus();
  }
  function save() {
    clearTimeout(saveTimer);
    if (conflict || !dirty) { return; }
    if (inFlight) { again = true; return; }
    inFlight = true;
    dirty = false;
    say(msg("saving"));
    var body = fields();
    body.version = version.value;
    body.action = "save";
    var sentKey = storageKey();
    post(body).then(function (answer) {
      inFlight = false;
      if (answer.status === 200) {
        retryDelay = 5000;
        if (storage) { storage.removeItem(sentKey); }
        version.value = answer.data.version;
        if (dirty) { keep(); }
        say(dirty ? "" : msg("saved"));
      } else if (answer.status === 409 && answer.data.theirs) {
        dirty = true;
        keep();
        showConflict(answer.data.theirs);
        return;
      } else if (answer.status === 400) {
        dirty = true;
        say(msg("invalid") + " " + ((answer.data.error && answer.data.error.message) || ""));
        return;  // the next change tries again
      } else {
        throw new Error("status " + answer.status);
      }
      if (again || dirty) { again = false; schedule(); }
    }).catch(function () {
      inFlight = false;
      dirty = true;
      keep();
      say(msg("retrying"));
      clearTimeout(retryTimer);
      retryTimer = setTimeout(save, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 60000);
    });
  }
  function schedule() {
    clearTimeout(saveTimer);
    if (!conflict) { saveTimer = setTimeout(save, 3000); }
  }
  function changed() {
    dirty = true;
    keep();
    suggest();
    schedule();
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, 800);
  }
  [text, title, minutes].forEach(function (field) {
    field.addEventListener("input", changed);
    field.addEventListener("change", function () { if (dirty) { save(); } });
    field.addEventListener("blur", function () { if (dirty) { save(); } });
  });
  window.addEventListener("online", function () { if (dirty) { save(); } });
  window.addEventListener("pagehide", function () { if (dirty) { keep(); } });
  form.addEventListener("submit", function () {
    // The form itself carries the text now; a failed POST shows it again.
    clearTimeout(saveTimer);
    conflict = true;
    forget();
  });

  var keepMine = document.getElementById("conflict-keep-mine");
  if (keepMine) {
    keepMine.addEventListener("click", function () {
      var panel = document.getElementById("conflict-panel");
      // The author chose, having seen their text: save over it as the newest version.
      if (storage) { storage.removeItem(storageKey()); }
      version.value = panel.getAttribute("data-version");
      panel.hidden = true;
      conflict = false;
      dirty = true;
      save();
    });
  }

  // Text typed here that never reached the server (offline, logged out): put it back,
  // with the version it was typed on, so a newer save by someone else is a conflict.
  if (storage && !conflict) {
    var newest = null;
    for (var i = 0; i < storage.length; i++) {
      var key = storage.key(i);
      if (!key || key.indexOf(storagePrefix) !== 0) { continue; }
      try {
        var copy = JSON.parse(storage.getItem(key));
        if (!newest || copy.at > newest.copy.at) { newest = { key: key, copy: copy }; }
      } catch (e) { storage.removeItem(key); }
    }
    if (newest) {
      var c = newest.copy;
      if (c.markdown === text.value && c.title === title.value && String(c.minutes) === minutes.value) {
        forget();
      } else {
        forget();
        text.value = c.markdown;
        title.value = c.title;
        minutes.value = c.minutes;
        version.value = newest.key.slice(storagePrefix.length);
        dirty = true;
        keep();
        say(msg("restored"));
        schedule();
      }
    }
  }
  suggest();

  // ------------------------------------------------------------------ uploads
  var upload = document.getElementById("upload-form");
  var uploadStatus = document.getElementById("upload-status");
  if (upload && window.FormData) {
    upload.addEventListener("submit", function (event) {
      var file = document.getElementById("upload-file");
      if (!file.files.length) { return; }  // the server says what is missing
      event.preventDefault();
      uploadStatus.textContent = upload.getAttribute("data-msg-uploading");
      fetch(upload.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        body: new FormData(upload)
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (answer) {
        if (!answer.ok) {
          uploadStatus.textContent = (answer.data.error && answer.data.error.message) || upload.getAttribute("data-msg-failed");
          return;
        }
        // A paragraph of its own: on the line right after a list item or a paragraph,
        // Markdown would make the picture part of it.
        var at = text.selectionEnd;
        var head = text.value.slice(0, at), tail = text.value.slice(at);
        var before = head === "" || /\n\n$/.test(head) ? "" : /\n$/.test(head) ? "\n" : "\n\n";
        var after = tail === "" ? "\n" : /^\n\n/.test(tail) ? "" : /^\n/.test(tail) ? "\n" : "\n\n";
        text.setRangeText(before + answer.data.markdown + after, at, at, "end");
        text.dispatchEvent(new Event("input", { bubbles: true }));
        file.value = "";
        uploadStatus.textContent = upload.getAttribute("data-msg-inserted");
      }).catch(function () {
        uploadStatus.textContent = upload.getAttribute("data-msg-failed");
      });
    });
  }
})();

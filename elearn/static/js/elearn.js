/* elearn: progressive enhancements only; every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // After a failed submit: focus the error summary, and let its links focus their field
    // (following "#id" alone scrolls but leaves focus behind).
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        var field = link && document.getElementById(link.getAttribute("href").slice(1));
        if (!field) { return; }
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      });
    }

    // Header menu: always open on wide screens (the links fit in the row); Escape closes it.
    document.querySelectorAll("details.menu").forEach(function (menu) {
      var wide = window.matchMedia("(min-width: 48rem)");
      function follow() { menu.open = wide.matches; }
      follow();
      if (wide.addEventListener) { wide.addEventListener("change", follow); }
      menu.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && menu.open && !wide.matches) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
      document.addEventListener("click", function (event) {
        if (menu.open && !wide.matches && !menu.contains(event.target)) { menu.open = false; }
      });
    });

    // Province -> commune picker: fetch only the chosen province's communes.
    // Arrow keys fire one change per step and slow links answer out of order: only the
    // answer to the latest request may fill the list, and it replaces the list.
    document.querySelectorAll("select[data-communes-url]").forEach(function (province) {
      var target = document.getElementById(province.getAttribute("data-commune-target"));
      if (!target) { return; }
      var latest = 0;
      var inFlight = null;
      function fill(communes) {
        var first = target.options[0];
        var fresh = document.createDocumentFragment();
        fresh.appendChild(first);
        communes.forEach(function (c) {
          var option = document.createElement("option");
          option.value = c.code;
          option.textContent = c.name;
          fresh.appendChild(option);
        });
        target.innerHTML = "";
        target.appendChild(fresh);
      }
      province.addEventListener("change", function () {
        var request = ++latest;
        if (inFlight) { inFlight.abort(); }
        inFlight = window.AbortController ? new AbortController() : null;
        fill([]);
        if (!province.value) { return; }
        var url = province.getAttribute("data-communes-url").replace("__CODE__", encodeURIComponent(province.value));
        fetch(url, { credentials: "same-origin", signal: inFlight ? inFlight.signal : undefined })
          .then(function (r) { return r.ok ? r.json() : { communes: [] }; })
          .then(function (data) {
            if (request === latest) { fill(data.communes); }
          })
          .catch(function () { /* superseded (aborted) or offline: nothing to fill */ });
      });
    });

    // Show-password toggle: a button after the field, made here so it is absent without JS.
    document.querySelectorAll("input[data-show-password]").forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary small show-password";
      button.textContent = input.getAttribute("data-show-password");
      button.setAttribute("aria-controls", input.id);
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        var shown = input.type === "password";
        input.type = shown ? "text" : "password";
        button.setAttribute("aria-pressed", shown ? "true" : "false");
      });
      input.insertAdjacentElement("afterend", button);
    });

    // Quiz: save answers as the learner goes; the server keeps the version in step.
    // Until the server has them, the answers are also kept on this phone (localStorage, per
    // attempt): if the session ends mid-quiz nothing is lost; after logging in again the
    // learner is back on the attempt and the kept answers are put back and saved.
    document.querySelectorAll("form.quiz[data-autosave]").forEach(function (form) {
      var status = form.querySelector(".autosave-status");
      var version = form.querySelector("input[name=version]");
      var key = "elearn.attempt." + form.getAttribute("data-attempt");
      var timer = null;
      var pending = false;
      function msg(name) { return form.getAttribute("data-msg-" + name); }
      function say(text, loginUrl) {
        if (!status) { return; }
        status.textContent = text;
        if (loginUrl) {
          var link = document.createElement("a");
          link.href = loginUrl;
          link.textContent = msg("login");
          status.appendChild(document.createTextNode(" "));
          status.appendChild(link);
        }
      }
      function answers() {
        var out = [];
        new FormData(form).forEach(function (value, name) {
          if (name.indexOf("q-") === 0) { out.push([name, value]); }
        });
        return JSON.stringify(out);
      }
      function store(name, value) {
        try {
          if (value === null) { localStorage.removeItem(name); } else { localStorage.setItem(name, value); }
        } catch (e) { /* private mode or full: the server copy still counts */ }
      }
      function kept() {
        try { return localStorage.getItem(key); } catch (e) { return null; }
      }
      function restore(text) {
        var values = {};
        JSON.parse(text).forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
        form.querySelectorAll("[name^='q-']").forEach(function (field) {
          var given = values[field.name] || [];
          if (field.type === "radio" || field.type === "checkbox") {
            field.checked = given.indexOf(field.value) !== -1;
          } else {
            field.value = given.length ? given[0] : "";
          }
        });
      }
      // Resolves to true when the server has the answers, false otherwise (and says why).
      function save() {
        if (timer) { clearTimeout(timer); }
        timer = null;
        pending = false;
        var sent = answers();
        store(key, sent);
        say(msg("saving"));
        return fetch(form.getAttribute("data-autosave"), {
          method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
        }).then(function (r) {
          return r.json().then(function (data) { return { status: r.status, data: data }; },
                               function () { return { status: r.status, data: {} }; });
        }).then(function (res) {
          var error = res.data.error;
          if (res.status === 200) {
            version.value = res.data.version;
            if (kept() === sent) { store(key, null); }
            store(key + ".reloaded", null);
            say(msg("saved"));
            return true;
          }
          if (res.status === 401 && error) {
            say(error.message, error.login_url);
            return false;
          }
          if (res.status === 409) { store(key, null); }  // another window's answers win
          if (error && error.code === "csrf" && !reloadedOnce()) {
            // A stale token (logged in again elsewhere): reload for a fresh one; the kept
            // answers are put back on the new page.
            store(key + ".reloaded", "1");
            window.location.reload();
            return false;
          }
          say(error ? error.message : msg("offline"));
          pending = !error;
          return !!error;
        }).catch(function () {
          say(msg("offline") + " " + msg("kept"));
          pending = true;
          return false;
        });
      }
      function reloadedOnce() {
        try { return localStorage.getItem(key + ".reloaded"); } catch (e) { return true; }
      }
      function later(delay) {
        store(key, answers());
        if (timer) { clearTimeout(timer); }
        timer = setTimeout(save, delay);
      }
      form.addEventListener("change", function () { later(300); });
      form.addEventListener("input", function () { later(1500); });
      window.addEventListener("online", function () { if (pending) { save(); } });
      // Before a submit leaves the page, make sure the session is alive and the answers are
      // on the server; if not, stay here (the message says why) and lose nothing.
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-checked")) { return; }
        var button = event.submitter;
        event.preventDefault();
        save().then(function (ok) {
          if (!ok) { return; }
          if (button && button.hasAttribute("formaction")) { return; }  // "Save answers": done
          form.setAttribute("data-checked", "1");
          if (form.requestSubmit && button) { form.requestSubmit(button); } else { form.submit(); }
        });
      });
      var waiting = kept();
      if (waiting && waiting !== answers()) {
        restore(waiting);
        save().then(function (ok) { if (ok) { say(msg("restored")); } });
      } else if (waiting) {
        store(key, null);
      }
    });

    // Quiz deadline: a countdown; the server enforces the real limit.
    document.querySelectorAll(".deadline[data-deadline]").forEach(function (el) {
      var end = Date.parse(el.getAttribute("data-deadline"));
      var form = el.closest("main").querySelector("form.quiz");
      var label = form ? form.getAttribute("data-msg-left") : "";
      function tick() {
        var left = Math.max(0, Math.round((end - Date.now()) / 1000));
        var m = Math.floor(left / 60), s = left % 60;
        el.textContent = label + " " + m + ":" + (s < 10 ? "0" : "") + s;
        if (left > 0) { setTimeout(tick, 1000); }
      }
      if (!isNaN(end)) { tick(); }
    });

    // Lesson tables wider than the screen: say so above them (the edge shadow alone is subtle).
    document.querySelectorAll(".lesson-body[data-msg-table-scroll]").forEach(function (body) {
      var text = body.getAttribute("data-msg-table-scroll");
      body.querySelectorAll("table").forEach(function (table) {
        // The scrolling box: the table's focusable .table-scroll region, else the table.
        var box = table.parentNode.classList.contains("table-scroll") ? table.parentNode : table;
        if (box.scrollWidth <= box.clientWidth + 1) { return; }
        var hint = document.createElement("p");
        hint.className = "table-hint";
        hint.textContent = "\u2194 " + text;
        box.parentNode.insertBefore(hint, box);
      });
    });

    // Videos: nothing is requested from the video site until the learner presses play.
    document.querySelectorAll(".video[data-embed]").forEach(function (box) {
      var link = box.querySelector("a");
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var frame = document.createElement("iframe");
        frame.src = box.getAttribute("data-embed");
        frame.title = link.textContent.trim();
        frame.allow = "autoplay; fullscreen; picture-in-picture";
        frame.setAttribute("allowfullscreen", "");
        box.innerHTML = "";
        box.appendChild(frame);
      });
    });
  });
})();

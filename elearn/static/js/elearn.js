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

    // Province -> commune picker: fetch only the chosen province's communes.
    document.querySelectorAll("select[data-communes-url]").forEach(function (province) {
      var target = document.getElementById(province.getAttribute("data-commune-target"));
      if (!target) { return; }
      province.addEventListener("change", function () {
        var first = target.options[0];
        target.innerHTML = "";
        target.appendChild(first);
        if (!province.value) { return; }
        var url = province.getAttribute("data-communes-url").replace("__CODE__", encodeURIComponent(province.value));
        fetch(url, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { communes: [] }; })
          .then(function (data) {
            data.communes.forEach(function (c) {
              var option = document.createElement("option");
              option.value = c.code;
              option.textContent = c.name;
              target.appendChild(option);
            });
          });
      });
    });

    // Quiz: save answers as the learner goes; the server keeps the version in step.
    document.querySelectorAll("form.quiz[data-autosave]").forEach(function (form) {
      var status = form.querySelector(".autosave-status");
      var timer = null;
      var pending = false;
      function say(key) { if (status) { status.textContent = form.getAttribute("data-msg-" + key); } }
      function save() {
        timer = null;
        pending = false;
        say("saving");
        fetch(form.getAttribute("data-autosave"), {
          method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { "X-Requested-With": "fetch" }
        }).then(function (r) {
          return r.json().then(function (data) { return { ok: r.ok, data: data }; });
        }).then(function (res) {
          if (res.ok) {
            form.querySelector("input[name=version]").value = res.data.version;
            say("saved");
          } else if (status) {
            status.textContent = res.data.error.message;
          }
        }).catch(function () {
          say("offline");
          pending = true;
        });
      }
      function later(delay) {
        if (timer) { clearTimeout(timer); }
        timer = setTimeout(save, delay);
      }
      form.addEventListener("change", function () { later(300); });
      form.addEventListener("input", function () { later(1500); });
      window.addEventListener("online", function () { if (pending) { save(); } });
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

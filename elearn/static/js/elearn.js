/* elearn: progressive enhancements only; every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // Language switch: submit as soon as a language is picked.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });

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

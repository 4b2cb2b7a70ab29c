// Hersteld portal: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Phone menu toggle.
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("mainnav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // Department choices follow the chosen employer ("Werkgever: Afdeling" labels).
    var employer = document.getElementById("id_employer");
    var department = document.getElementById("id_department");
    if (employer && department && employer.tagName === "SELECT") {
      var all = Array.prototype.slice.call(department.options);
      var filter = function () {
        var chosen = employer.options[employer.selectedIndex];
        var prefix = chosen && chosen.value ? chosen.text + ":" : "";
        all.forEach(function (option) {
          var show = !option.value || !prefix || option.text.indexOf(prefix) === 0;
          option.hidden = !show;
          option.disabled = !show;
        });
        var current = department.options[department.selectedIndex];
        if (current && current.disabled) { department.value = ""; }
      };
      employer.addEventListener("change", filter);
      filter();
    }
    // Filter forms submit on change; show that the list is loading.
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () { form.classList.add("loading"); form.submit(); });
    });
    // Confirmation for destructive buttons.
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();

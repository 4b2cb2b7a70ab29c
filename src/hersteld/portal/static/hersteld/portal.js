// Hersteld portal: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // After a one-click replacement the neutral word may stand next to itself ("rugpijn en
  // klachten" becomes "klachten en klachten"). mergeRepeat keeps the first of the two when
  // the same word (any case) follows or precedes the replaced span, with a space, a comma
  // and/or "en" between them. Returns the new text and where the replaced span now starts.
  function mergeRepeat(text, start, length) {
    var word = text.substr(start, length);
    if (!/^[\p{L}]+$/u.test(word)) { return { text: text, start: start }; }
    var between = "(?:[^\\S\\n]*,[^\\S\\n]*|[^\\S\\n]+)(?:en[^\\S\\n]+)?";
    var after = new RegExp("^" + between + word + "(?![\\p{L}])", "iu").exec(text.slice(start + length));
    if (after) {
      return { text: text.slice(0, start + length) + text.slice(start + length + after[0].length), start: start };
    }
    var before = new RegExp("(?<![\\p{L}])" + word + between + "$", "iu").exec(text.slice(0, start));
    if (before) {
      var kept = start - before[0].length;
      return { text: text.slice(0, kept + length) + text.slice(start + length), start: kept };
    }
    return { text: text, start: start };
  }
  window.Hersteld = { mergeRepeat: mergeRepeat };
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
    // Department choices follow the chosen employer of the same form. Each option names its
    // employer in data-employer; an option that belongs to the chosen employer is never
    // touched, so the department the server selected stays selected.
    document.querySelectorAll("select[data-follows]").forEach(function (department) {
      var form = department.form;
      var employer = form ? form.elements.namedItem(department.getAttribute("data-follows")) : null;
      if (!employer || employer.tagName !== "SELECT") { return; }
      var filter = function () {
        var chosen = employer.value;
        Array.prototype.forEach.call(department.options, function (option) {
          var owner = option.getAttribute("data-employer");
          var show = !option.value || !chosen || owner === chosen;
          option.hidden = !show;
          option.disabled = !show;
        });
        var current = department.options[department.selectedIndex];
        if (current && current.disabled) { department.value = ""; }
      };
      employer.addEventListener("change", filter);
      filter();
    });
    // Filter forms submit on change; show that the list is loading.
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () { form.classList.add("loading"); form.submit(); });
    });
    // Document drafts (P12): every change is saved at once; the answer says saved or why not.
    // One save at a time: a change made while one is on its way is sent after it, with the
    // form as it is then, so an older save can never land after a newer one.
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      var status = form.querySelector("[data-autosave-status]");
      var busy = false;
      var again = false;
      function save() {
        busy = true;
        again = false;
        var request = new XMLHttpRequest();
        request.open("POST", form.action || window.location.href);
        request.setRequestHeader("X-Autosave", "1");
        request.onloadend = function () {
          if (status) {
            var failed = request.status === 0 || request.status >= 500;
            status.textContent = failed ? status.getAttribute("data-failed") : request.responseText.trim();
            status.classList.toggle("error", request.status !== 200);
          }
          busy = false;
          if (again) { save(); }
        };
        request.send(new FormData(form));
      }
      form.addEventListener("change", function () {
        if (busy) { again = true; } else { save(); }
      });
    });
    // Medical-term findings: one click takes over the neutral alternative (P8).
    document.querySelectorAll("[data-replace-field]").forEach(function (button) {
      button.addEventListener("click", function () {
        var field = document.getElementById(button.getAttribute("data-replace-field"));
        if (!field) { return; }
        var term = button.getAttribute("data-term");
        var suggestion = button.getAttribute("data-suggestion");
        // A capital stays a capital ("Rugpijn" becomes "Klachten"), as medical_terms.replace does.
        if (term.charAt(0) !== term.charAt(0).toLowerCase()) {
          suggestion = suggestion.charAt(0).toUpperCase() + suggestion.slice(1);
        }
        var start = parseInt(button.getAttribute("data-start"), 10);
        var text = field.value;
        if (text.substr(start, term.length) !== term) { start = text.indexOf(term); }
        if (start < 0) { return; }
        var merged = mergeRepeat(text.slice(0, start) + suggestion + text.slice(start + term.length), start, suggestion.length);
        field.value = merged.text;
        // Later findings in the same field move by the change in length.
        var shift = merged.text.length - text.length;
        document.querySelectorAll('[data-replace-field="' + field.id + '"]').forEach(function (other) {
          var at = parseInt(other.getAttribute("data-start"), 10);
          if (at > start) { other.setAttribute("data-start", String(at + shift)); }
        });
        var item = button.closest("li");
        if (item) { item.classList.add("done"); }
        button.disabled = true;
        button.textContent = "\u2713 " + button.getAttribute("data-done");
        // Every term of this field replaced: its error no longer applies until saved again.
        var open = document.querySelectorAll('[data-replace-field="' + field.id + '"]:not(:disabled)');
        var wrapper = field.closest(".field");
        if (open.length === 0 && wrapper) {
          wrapper.classList.remove("has-error");
          wrapper.querySelectorAll(".error").forEach(function (error) { error.hidden = true; });
          document.querySelectorAll('#form-errors a[href="#' + field.id + '"]').forEach(function (link) {
            link.closest("li").hidden = true;
          });
          var summary = document.getElementById("form-errors");
          if (summary && !summary.querySelector("li:not([hidden])")) { summary.hidden = true; }
        }
        field.focus();
      });
    });
    // Recovery: percentage and hours fill each other from the working week (docs/rules/recovery.md).
    var percentage = document.getElementById("id_percentage");
    var hours = document.getElementById("id_hours");
    if (percentage && hours && percentage.getAttribute("data-contract-hours")) {
      var contract = parseFloat(percentage.getAttribute("data-contract-hours"));
      percentage.addEventListener("input", function () {
        var value = parseFloat(percentage.value.replace(",", "."));
        hours.value = isNaN(value) ? "" : (Math.round(contract * value / 100 * 4) / 4).toFixed(2);
      });
      hours.addEventListener("input", function () {
        var value = parseFloat(hours.value.replace(",", "."));
        percentage.value = isNaN(value) || !contract ? "" : (value / contract * 100).toFixed(2);
      });
    }
    // Confirmation for destructive buttons.
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();

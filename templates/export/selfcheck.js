// Self-check: decode the answer data, score each question in the page, show feedback.
// The data is obfuscated (XOR + base64) so that the key is not readable at a glance in
// the page source; the answer key proper is the separate html-key export.
(function () {
  "use strict";
  var holder = document.getElementById("selfcheck-data");
  if (!holder) { return; }
  var raw = atob(JSON.parse(holder.textContent));
  var pad = holder.getAttribute("data-pad");
  var bytes = new Uint8Array(raw.length);
  for (var i = 0; i < raw.length; i++) {
    bytes[i] = raw.charCodeAt(i) ^ pad.charCodeAt(i % pad.length);
  }
  var DATA = JSON.parse(new TextDecoder().decode(bytes));

  function norm(text, cs) {
    var folded = String(text).trim().split(/\s+/).join(" ");
    return cs ? folded : folded.toLowerCase();
  }
  function parseNumber(text) {
    var t = String(text).trim().replace(/_/g, "").replace(/\u2212/g, "-");
    if (t === "" || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) { return null; }
    var v = Number(t);
    return isFinite(v) ? v : null;
  }
  function numberOk(spec, value) {
    if (value === null) { return false; }
    var gap = Math.abs(value - spec.answer);
    var slack = Math.max(spec.tol, spec.rel * Math.abs(spec.answer), 1e-12 * Math.abs(spec.answer));
    return gap <= slack || gap <= 1e-9 * Math.max(Math.abs(value), Math.abs(spec.answer));
  }
  function textOk(spec, value) {
    var given = norm(value, spec.cs);
    if (given === "") { return false; }
    for (var i = 0; i < spec.accept.length; i++) {
      var pattern = spec.accept[i];
      if (spec.match === "regex") {
        try {
          if (new RegExp("^(?:" + pattern + ")$", spec.cs ? "" : "i").test(given)) { return true; }
        } catch (e) { /* a Python-only pattern: the page cannot check it */ }
      } else if (given === norm(pattern, spec.cs)) { return true; }
    }
    return false;
  }
  function setFeedback(id, html, cls) {
    var el = document.getElementById(id);
    if (!el) { return; }
    el.className = "fb " + (cls || "");
    el.innerHTML = html;  // bank Markdown rendered at export time with raw HTML off
  }
  function picked(form, name) {
    var out = [];
    var inputs = form.querySelectorAll("input[name='" + name + "']");
    for (var i = 0; i < inputs.length; i++) { if (inputs[i].checked) { out.push(inputs[i].value); } }
    return out;
  }
  function value(id) { var el = document.getElementById(id); return el ? el.value : ""; }

  var SCORERS = {
    single: function (q, form, id) {
      var got = picked(form, id);
      q.choices.forEach(function (c) {
        var mine = got.indexOf(c.key) >= 0;
        setFeedback(id + "-" + c.key + "-fb", mine ? (c.ok ? "✓ " : "✗ ") + c.fb : "", c.ok ? "ok" : "bad");
      });
      var right = q.choices.filter(function (c) { return c.ok; })[0];
      return got.length === 1 && got[0] === right.key ? 1 : 0;
    },
    multi: function (q, form, id) {
      var got = picked(form, id);
      var right = 0, wrongPicks = 0, goodPicks = 0, agree = 0;
      q.choices.forEach(function (c) {
        var mine = got.indexOf(c.key) >= 0;
        if (c.ok) { right++; if (mine) { goodPicks++; } } else if (mine) { wrongPicks++; }
        if (mine === c.ok) { agree++; }
        setFeedback(id + "-" + c.key + "-fb", mine ? (c.ok ? "✓ " : "✗ ") + c.fb : "", c.ok ? "ok" : "bad");
      });
      if (q.policy === "all_or_nothing") { return goodPicks === right && wrongPicks === 0 ? 1 : 0; }
      if (q.policy === "per_choice") { return agree / q.choices.length; }
      return Math.max(0, (goodPicks - wrongPicks) / right);
    },
    true_false: function (q, form, id) {
      var got = picked(form, id);
      ["true", "false"].forEach(function (v) {
        var mine = got.indexOf(v) >= 0;
        var ok = String(q.answer) === v;
        setFeedback(id + "-" + v + "-fb", mine ? (ok ? "✓ " : "✗ ") + q.fb[v] : "", ok ? "ok" : "bad");
      });
      return got.length === 1 && got[0] === String(q.answer) ? 1 : 0;
    },
    numeric: function (q, form, id) { return numberOk(q.spec, parseNumber(value(id + "-in"))) ? 1 : 0; },
    text: function (q, form, id) { return textOk(q.spec, value(id + "-in")) ? 1 : 0; },
    matching: function (q, form, id) {
      var good = 0;
      q.pairs.forEach(function (right, i) {
        var ok = value(id + "-" + i) === String(right);
        if (ok) { good++; }
        setFeedback(id + "-" + i + "-fb", value(id + "-" + i) === "" ? "" : (ok ? "✓ right" : "✗ not this one"), ok ? "ok" : "bad");
      });
      if (q.policy === "all_or_nothing") { return good === q.pairs.length ? 1 : 0; }
      return good / q.pairs.length;
    },
    ordering: function (q, form, id) {
      var good = 0;
      q.positions.forEach(function (pos, i) {
        var ok = value(id + "-" + i) === String(pos);
        if (ok) { good++; }
        setFeedback(id + "-" + i + "-fb", value(id + "-" + i) === "" ? "" : (ok ? "✓ right place" : "✗ not here"), ok ? "ok" : "bad");
      });
      if (q.policy === "all_or_nothing") { return good === q.positions.length ? 1 : 0; }
      return good / q.positions.length;
    },
    cloze: function (q, form, id) {
      var good = 0;
      q.blanks.forEach(function (spec, i) {
        var v = value(id + "-b" + (i + 1));
        var ok = spec.kind === "number" ? numberOk(spec, parseNumber(v)) : textOk(spec, v);
        if (ok) { good++; }
        var el = document.getElementById(id + "-b" + (i + 1));
        if (el) { el.setAttribute("aria-invalid", ok ? "false" : "true"); el.className = "blank " + (ok ? "ok" : "bad"); }
        var mark = document.getElementById(id + "-b" + (i + 1) + "-fb");
        if (mark) { mark.className = "mark " + (ok ? "ok" : "bad"); mark.textContent = v === "" ? "" : (ok ? "✓" : "✗"); }
      });
      return good / q.blanks.length;
    }
  };

  var earned = {};
  function fmt(x) { return String(Math.round(x * 100) / 100); }
  function check(form) {
    var id = form.getAttribute("data-q");
    var q = DATA.questions[id];
    var fraction = Math.min(1, Math.max(0, SCORERS[q.type](q, form, id)));
    earned[id] = fraction * q.points;
    var verdict = fraction >= 1 ? ["ok", "Correct"] : fraction > 0 ? ["part", "Partly correct"] : ["bad", "Not correct"];
    var box = document.getElementById(id + "-result");
    box.innerHTML = "<p class=\"verdict " + verdict[0] + "\">" + verdict[1] + ": " + fmt(earned[id]) +
      " of " + fmt(q.points) + (q.points === 1 ? " point.</p>" : " points.</p>") +
      (fraction < 1 && q.right ? "<p class=\"answer-line\">The right answer: " + q.right + "</p>" : "") + (q.explanation ? "<div class=\"explanation\">" + q.explanation + "</div>" : "");
    var total = 0, checked = 0;
    Object.keys(earned).forEach(function (k) { total += earned[k]; checked++; });
    document.getElementById("total").textContent = "Score so far: " + fmt(total) + " of " + fmt(DATA.max) +
      " points (" + checked + " of " + DATA.count + " questions checked).";
  }
  var forms = document.querySelectorAll("form.question-form");
  for (var f = 0; f < forms.length; f++) {
    (function (form) {
      form.addEventListener("submit", function (ev) { ev.preventDefault(); check(form); });
    })(forms[f]);
  }
  var all = document.getElementById("check-all");
  all.addEventListener("click", function () { for (var k = 0; k < forms.length; k++) { check(forms[k]); } });
  var hidden = document.querySelectorAll("[data-js-only]");
  for (var h = 0; h < hidden.length; h++) { hidden[h].hidden = false; }
})();

/* Swanilai form, part "checks": the rule table (handler/fields.py, embedded by the build as JSON in
 * #swanilai-rules) and the handler's checks (handler/submission.py), step for step, on the submission
 * exactly as the page would send it. No limit, pattern or message is written here; the page and the
 * server agree by construction (tests/page/test_page_agreement.py). Pure: [field, message] pairs out. */
(() => {
  "use strict";

  const S = (window.Swanilai = window.Swanilai || {});
  const PLACEHOLDER = /\{([a-z_]+)\}/g;

  // The table, or null when the page does not carry a readable one.
  S.readRules = function readRules(doc) {
    const node = doc.getElementById("swanilai-rules");
    if (!node) return null;
    try {
      const rules = JSON.parse(node.textContent);
      return rules && rules.messages && rules.text && rules.characters ? rules : null;
    } catch (err) {
      return null;
    }
  };

  S.checks = function checks(rules) {
    const patterns = Object.fromEntries(Object.entries(rules.patterns).map(([name, source]) => [name, new RegExp(source)]));
    const chars = rules.characters;
    const inRanges = (ranges, point) => ranges.some(([low, high]) => low <= point && point <= high);
    const refusedInLine = [...chars.unstorable, ...chars.bidi];
    const labels = rules.labels;
    const fields = rules.fields;

    // Integers get Indonesian digit grouping (2.000), as handler.fields.render writes them.
    function render(template, values = {}) {
      return template.replace(PLACEHOLDER, (_, name) => {
        const value = values[name];
        return typeof value === "number" ? String(value).replace(/\B(?=([0-9]{3})+(?![0-9]))/g, ".") : String(value);
      });
    }

    const message = (rule, values) => render(rules.messages[rule], values);

    // Trim the table's space characters (all in the BMP, none a surrogate: code units are enough).
    function trim(text) {
      const space = (i) => inRanges(chars.space, text.charCodeAt(i));
      let start = 0;
      let end = text.length;
      while (start < end && space(start)) start += 1;
      while (end > start && space(end - 1)) end -= 1;
      return text.slice(start, end);
    }

    // The first code point of text within ranges, as [1-based position, code point], or null.
    // for...of walks code points; a lone surrogate is one, as in Python.
    function first(text, ranges) {
      let position = 0;
      for (const ch of text) {
        position += 1;
        const point = ch.codePointAt(0);
        if (inRanges(ranges, point)) return [position, point];
      }
      return null;
    }

    const codeOf = (point) => `U+${point.toString(16).toUpperCase().padStart(4, "0")}`;
    const length = (text) => [...text].length;

    // One text rule of the table: [text or null, message or null]. Absent is empty.
    function text(ruleName, value, label) {
      const rule = rules.text[ruleName];
      if (value === null || value === undefined) value = "";
      if (typeof value !== "string") return [null, message("text.unreadable", { label })];
      const oneLine = rule.kind === "line";
      const trimmed = trim(oneLine ? value : value.replace(/\r\n?/g, "\n"));
      if (!trimmed) return rule.required ? [null, message(rule.required, { label })] : ["", null];
      if (oneLine && first(trimmed, chars.line_breaks)) return [null, message("text.one_line", { label })];
      const refused = first(trimmed, oneLine ? refusedInLine : chars.unstorable);
      if (refused) return [null, message("text.character", { label, code: codeOf(refused[1]), position: refused[0] })];
      const count = length(trimmed);
      if (count < rule.min) return [null, message("text.too_short", { label, min: rule.min })];
      if (count > rule.max) return [null, message("text.too_long", { label, max: rule.max, count })];
      const digits = (trimmed.match(/[0-9]/g) || []).length;
      if ((rule.pattern && !patterns[rule.pattern].test(trimmed)) || (rule.digits && (digits < rule.digits[0] || digits > rule.digits[1]))) {
        return [null, message(rule.invalid, { label })];
      }
      return [trimmed, null];
    }

    const fieldOf = (template, key) => template.replace("{key}", () => key); // no $& patterns from a key

    // One element's answer, as the page sends it: { verdict: "" | "K" | "BK", evidence: "..." }.
    function element(el, answer) {
      const found = [];
      const name = render(labels.element, { unit: Number(el.unit), element: Number(el.number) });
      const verdict = answer ? answer.verdict : "";
      if (!verdict) found.push([fieldOf(fields.verdict, el.key), message("verdict.required", { element: name })]);
      else if (!rules.verdicts.includes(verdict)) found.push([fieldOf(fields.verdict, el.key), message("verdict.invalid", { element: name })]);
      const [evidence, problem] = text("evidence", answer ? answer.evidence : "", render(labels.evidence, { element: name }));
      if (problem) found.push([fieldOf(fields.evidence, el.key), problem]);
      else if (verdict === "K" && !evidence && !(answer && Array.isArray(answer.files) && answer.files.length > 0)) {
        found.push([fieldOf(fields.evidence, el.key), message("evidence.required", { element: name })]);
      }
      return found;
    }

    // A PNG data URL: the steps of handler/png.py, then the size limits.
    function drawn(url, label) {
      const png = rules.signature_png;
      const values = { label, max_kb: png.max_bytes / 1024 };
      if (!url.startsWith(png.prefix)) return message("signature.not_png", values);
      const encoded = url.slice(png.prefix.length);
      if (encoded.length > Math.floor((png.max_bytes + 2) / 3) * 4) return message("signature.png_too_big", values);
      if (!patterns.base64.test(encoded)) return message("signature.png_unreadable", values);
      const bytes = atob(encoded);
      if (bytes.length > png.max_bytes) return message("signature.png_too_big", values);
      const header = pngHeader(bytes, png);
      if (!header) return message("signature.png_unreadable", values);
      if (header.width > png.max_width || header.height > png.max_height) {
        return message("signature.png_too_wide", { ...values, ...header, max_width: png.max_width, max_height: png.max_height });
      }
      return null;
    }

    function signature(value) {
      const label = labels[fields.signature];
      if (typeof value !== "string" || !trim(value)) return message("signature.required", { label });
      if (value.startsWith("data:")) return drawn(value, label);
      return text(fields.signature, value, label)[1];
    }

    // Everything but the answers, as the page sends it.
    function candidate(payload) {
      const found = [];
      const person = payload.candidate || {};
      for (const [key, field] of [["name", fields.name], ["email", fields.email], ["phone", fields.phone]]) {
        const problem = text(field, person[key], labels[field])[1];
        if (problem) found.push([field, problem]);
      }
      if (payload.declaration !== true) found.push([fields.declaration, message("declaration.required", { label: labels[fields.declaration] })]);
      const consent = payload.consent;
      if (!consent || typeof consent !== "object" || consent.given !== true) found.push([fields.consent, message("consent.required", { label: labels[fields.consent] })]);
      const problem = signature(payload.signature);
      if (problem) found.push([fields.signature, problem]);
      return found;
    }

    // The whole submission, in page order; elements: [{ key, unit, number }] as the page lists them.
    function all(payload, elements) {
      const answers = payload.answers || {};
      return [...elements.flatMap((el) => element(el, answers[el.key])), ...candidate(payload)];
    }

    // The message of an API error code, for a response that did not carry one.
    function error(code) {
      const known = rules.errors[code];
      return known ? render(known.message, { max_kb: rules.limits.body_max_kb }) : "";
    }

    // The error a status stands for when the response said nothing readable: the first in the
    // table's order that needs no detail of the request (a count, a request id).
    function errorOfStatus(status) {
      const entry = Object.entries(rules.errors).find(([, e]) => e.status === status && !/\{(count|request_id)\}/.test(e.message));
      return entry ? error(entry[0]) : "";
    }

    return { all, element, candidate, text, trim, message, render, error, errorOfStatus };
  };

  // Width and height from a PNG's IHDR chunk (bytes as a binary string), or null: handler/png.py's
  // read_header. The chunk follows the signature: length 13, "IHDR", width, height and five bytes.
  function pngHeader(bytes, png) {
    const at = png.magic.length;
    if (bytes.length < at + 25 || png.magic.some((b, i) => bytes.charCodeAt(i) !== b)) return null;
    const byte = (i) => bytes.charCodeAt(at + i);
    const u32 = (i) => byte(i) * 2 ** 24 + byte(i + 1) * 2 ** 16 + byte(i + 2) * 2 ** 8 + byte(i + 3);
    const [width, height, depth, colour] = [u32(8), u32(12), byte(16), byte(17)];
    const ok =
      u32(0) === 13 &&
      bytes.slice(at + 4, at + 8) === "IHDR" &&
      width > 0 &&
      width <= png.max_dimension &&
      height > 0 &&
      height <= png.max_dimension &&
      (png.bit_depths[colour] || []).includes(depth) &&
      byte(18) === 0 &&
      byte(19) === 0 &&
      byte(20) <= 1;
    return ok ? { width, height } : null;
  }
})();

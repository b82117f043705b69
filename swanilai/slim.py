"""The scheme page's first visit, made lighter at build time (swanilai/site_hooks.py calls this).

- `bundle`: the form's scripts (site_src/docs/assets/form/*.js, kept readable and tested one by one)
  joined in the page's order and minified with rjsmin: one request instead of eleven, and no comments.
- `trim_stylesheet`: Material's main.css cut down to the rules whose selectors can match the form
  page. A selector is dropped only when it names a class, id, element or attribute value that appears
  nowhere in the built form pages (markup, text and inline scripts) nor in the form's scripts: the
  scripts may add any word they contain, so every word they hold counts as present. Pseudo-classes,
  pseudo-elements and whatever sits inside :is()/:not()/:where() never drop a selector. At-rules
  keep their own kept rules (an @media left empty goes); @font-face, @keyframes, @page and other
  at-rules stay whole. This keeps more than the page uses, never less: tests/page/test_page_weight.py
  compares the computed styles of every element in Chromium with the full sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import rjsmin
import tinycss2
from tinycss2 import ast

# The order the parts need each other in; form.js, last, wires them up.
FORM_PARTS = ("checks", "store", "draft", "errors", "pad", "files", "sending", "receipt", "status", "draftfile", "form")
_WORD = re.compile(r"[A-Za-z_][\w-]*")
# At-rules whose blocks hold rules to filter; any other at-rule is kept as it is.
_RULE_LISTS = {"media", "supports", "layer", "container", "document", "scope"}
_AT_NAME = re.compile(r"@([-\w]+)")


def bundle(sources: Iterable[str]) -> str:
    """The scripts as one minified script. Each part is an IIFE with its own "use strict", so joining
    changes nothing; the `;` ends a part whose last statement has none."""
    return rjsmin.jsmin("".join(source + "\n;\n" for source in sources)) + "\n"


def words(text: str) -> set[str]:
    """Every identifier-like word in a text, lower-cased: what a selector's names are looked up in."""
    return {word.lower() for word in _WORD.findall(text)}


def trim_stylesheet(css: str, vocabulary: set[str]) -> str:
    """The rules of `css` whose selectors can match a page made only of `vocabulary`'s words, each
    kept as its source text (re-serialising could change a custom property's value)."""
    return "".join(_kept(css, vocabulary)) + "\n"


def _kept(css: str, vocabulary: set[str]) -> list[str]:
    out = []
    for head, body in _split(css):
        if body is None:  # a statement (@import, @charset, a stray `;`)
            out.append(head)
        elif not head.startswith("@"):
            prelude = tinycss2.parse_component_value_list(head, skip_comments=True)
            if _can_match(prelude, vocabulary):
                out.append(head + "{" + body + "}")
        elif _AT_NAME.match(head).group(1).lower() in _RULE_LISTS:
            kept = _kept(body, vocabulary)
            if kept:
                out.append(head + "{" + "".join(kept) + "}")
        else:
            out.append(head + "{" + body + "}")
    return out


def _split(css: str) -> list[tuple[str, str | None]]:
    """The top-level rules of a stylesheet's text, as (prelude, block contents or None), comments and
    the whitespace between rules dropped; strings, escapes and url() are read as CSS reads them."""
    rules = []
    i, n, start, depth, brace = 0, len(css), 0, 0, -1
    while i < n:
        char = css[i]
        if char == "\\":
            i += 2
            continue
        if char in "\"'":
            i += 1
            while i < n and css[i] != char:
                i += 2 if css[i] == "\\" else 1
        elif css.startswith("/*", i):
            end = css.find("*/", i + 2)
            end = n if end < 0 else end + 2
            if depth == 0 and not css[start:i].strip():
                start = end  # a comment between rules: left out
            i = end
            continue
        elif css.startswith("url(", i) and css[i + 4 : i + 5] not in "\"'":
            end = css.find(")", i)
            i = n if end < 0 else end
        elif char == "{":
            if depth == 0:
                brace = i
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                rules.append((css[start:brace].strip(), css[brace + 1 : i]))
                start = i + 1
        elif char == ";" and depth == 0:
            if css[start:i].strip():
                rules.append((css[start : i + 1].strip(), None))
            start = i + 1
        i += 1
    return rules


def _can_match(prelude: list, vocabulary: set[str]) -> bool:
    """Whether any selector of a comma-separated list can match: all its top-level names are present."""
    selector: list = []
    for token in [*prelude, ast.LiteralToken(0, 0, ",")]:
        if token.type == "literal" and token.value == ",":
            if _selector_can_match(selector, vocabulary):
                return True
            selector = []
        elif token.type not in ("whitespace", "comment"):
            selector.append(token)
    return False


def _selector_can_match(tokens: list, vocabulary: set[str]) -> bool:
    names = []
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else None
        after_mark = before is not None and before.type == "literal" and before.value in (".", ":")
        if token.type == "hash":
            names.append(token.value)
        elif token.type == "ident":
            if before is not None and before.type == "literal" and before.value == ".":
                names.append(token.value)  # a class
            elif not after_mark:
                names.append(token.value)  # an element
        elif token.type == "[] block":
            names.extend(_attribute_names(token.content))
        # `:x`, `::x`, `:f(...)`, `*`, combinators: never a reason to drop
    return all(name.lower() in vocabulary for name in names)


def _attribute_names(content: list) -> list[str]:
    """[name], [name=value], [name~=value]: the name, and the value only for an exact or word match
    (a prefix, suffix or substring need not be a word of the page)."""
    tokens = [t for t in content if t.type not in ("whitespace", "comment")]
    if not tokens or tokens[0].type != "ident":
        return []
    names = [tokens[0].value]
    operator = "".join(t.value for t in tokens[1:3] if t.type == "literal")
    values = [t for t in tokens[1:] if t.type in ("ident", "string")]
    if operator in ("=", "~=") and values:
        names.extend(_WORD.findall(values[0].value) or [values[0].value])
    return names

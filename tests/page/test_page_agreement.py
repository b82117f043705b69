"""The page and the handler judge a submission alike: one rule table, the same verdict, the same message.

Each case is a submission as the page would send it. The handler's `validate_submission` judges it in
Python; the page's own checks (assets/form/checks.js, through `Swanilai.form`) judge it in Chromium,
with the elements as the seed page lists them. Both answers must be equal, field by field. Bodies
travel to the page as ASCII JSON, so a lone surrogate arrives in JavaScript as a lone surrogate.
"""

from __future__ import annotations

import json
import random
import re
import struct
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from support.browser import phone_context
from support.handler import full_payload, png, png_data_url
from support.page import SEED_PATH, open_seed

from handler import fields
from handler.submission import SubmissionProblems, validate_submission
from swanilai.paths import SITE_SRC

pytestmark = pytest.mark.browser

E1 = "M.70MKT00.019.2/1"  # K with evidence in full_payload
E3 = "M.70MKT00.019.2/3"  # BK without evidence


@pytest.fixture(scope="module")
def form(browser, static_url):
    """The seed page, once for the module: only its check functions are called."""
    context = phone_context(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(static_url + SEED_PATH)
    page.wait_for_function("window.Swanilai && window.Swanilai.form")
    yield page
    assert errors == [] and context.outside_requests == []
    context.close()


def page_verdict(form, payload: dict[str, Any]) -> dict[str, str]:
    return form.evaluate(
        "(text) => Object.fromEntries(Swanilai.form.checks.all(JSON.parse(text), Swanilai.form.elements))",
        json.dumps(payload),
    )


def handler_verdict(payload: dict[str, Any], scheme) -> dict[str, str]:
    try:
        validate_submission(payload, scheme)
    except SubmissionProblems as problems:
        return problems.fields
    return {}


# -- the cases


def at(path: str, value: Any) -> Callable[[dict], None]:
    """Set a value in the payload: `answers[KEY].evidence`, `candidate.name`, `signature`."""

    def mutate(payload: dict) -> None:
        if path.startswith("answers["):
            key, _, name = path[len("answers[") :].partition("].")
            payload["answers"][key][name] = value
        elif "." in path:
            outer, inner = path.split(".")
            payload[outer][inner] = value
        else:
            payload[path] = value

    return mutate


def every(*mutations: Callable[[dict], None]) -> Callable[[dict], None]:
    def mutate(payload: dict) -> None:
        for mutation in mutations:
            mutation(payload)

    return mutate


def nothing_filled(payload: dict) -> None:
    for answer in payload["answers"].values():
        answer.update(verdict="", evidence="")
    payload["candidate"] = {"name": ""}
    payload.update(declaration=False, signature="")


def png_header(width: int, height: int, bit_depth: int = 8, colour_type: int = 2, length: int = 13) -> bytes:
    data = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    ihdr = struct.pack(">I", length) + b"IHDR" + data + struct.pack(">I", zlib.crc32(b"IHDR" + data))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"\x00\x00\x00\x00IEND\xaeB`\x82"


EVIDENCE = f"answers[{E1}].evidence"
BK_EVIDENCE = f"answers[{E3}].evidence"
VERDICT = f"answers[{E1}].verdict"

# id, mutation of a valid submission (a drawn signature), valid?
CASES = [
    ("valid_drawn_signature", lambda p: None, True),
    ("valid_typed_signature", at("signature", "  Siti Rahmawati "), True),
    ("valid_without_email_and_phone", every(at("candidate.email", ""), at("candidate.phone", "")), True),
    ("valid_evidence_of_2000_with_crlf", at(EVIDENCE, "b\r\n" * 999 + "bb"), True),
    ("valid_evidence_of_2000_emoji", at(EVIDENCE, "\U0001f600" * 2000), True),
    ("valid_evidence_with_tab_and_rlm", at(EVIDENCE, "Laporan\t2024 \u200fعربي"), True),
    ("valid_name_beyond_ascii", at("candidate.name", "Ni Luh Đặng \U0001f469\u200d\U0001f4bb"), True),
    ("valid_name_with_edge_spaces", at("candidate.name", "\ufeff\u3000 Siti \u00a0"), True),
    ("valid_phone_with_every_allowed_mark", at("candidate.phone", "+62 (812) 3456-78.90"), True),
    ("valid_png_of_2000_by_1000", at("signature", png_data_url(png_header(2000, 1000, 1, 0))), True),
    # empty, short, long
    ("nothing_filled", nothing_filled, False),
    ("unanswered_element", at(VERDICT, ""), False),
    ("verdict_lower_case", at(VERDICT, "k"), False),
    ("k_without_evidence", at(EVIDENCE, ""), False),
    ("k_with_blank_evidence", at(EVIDENCE, " \n\t\r\n "), False),
    ("evidence_2001", at(EVIDENCE, "b" * 2001), False),
    ("evidence_2001_counting_crlf_as_one", at(EVIDENCE, "b\r\n" * 1000 + "b"), False),
    ("evidence_2001_emoji", at(EVIDENCE, "\U0001f600" * 2001), False),
    ("bk_evidence_2500", at(BK_EVIDENCE, "b" * 2500), False),
    ("name_empty", at("candidate.name", ""), False),
    ("name_of_spaces_and_byte_order_marks", at("candidate.name", " \ufeff\u2003 "), False),
    ("name_one_character", at("candidate.name", " S "), False),
    ("name_one_astral_character", at("candidate.name", "\U0001f600"), False),
    ("name_201", at("candidate.name", "S" * 201), False),
    ("typed_signature_one_character", at("signature", " S "), False),
    ("typed_signature_201", at("signature", "S" * 201), False),
    ("typed_signature_that_looks_like_a_data_url", at("signature", "data:Siti"), False),
    ("no_signature", at("signature", ""), False),
    ("no_declaration", at("declaration", False), False),
    # email
    ("email_without_dot", at("candidate.email", "siti@contoh"), False),
    ("email_with_space", at("candidate.email", "siti rahma@contoh.co.id"), False),
    ("email_with_non_ascii", at("candidate.email", "sití@contoh.co.id"), False),
    ("email_label_starting_with_hyphen", at("candidate.email", "siti@-contoh.co.id"), False),
    ("email_label_of_64", at("candidate.email", "siti@" + "a" * 64 + ".id"), False),
    ("email_255", at("candidate.email", "s" * 242 + "@contoh.co.id"), False),
    ("email_with_a_line_break", at("candidate.email", "siti@\ncontoh.co.id"), False),
    # phone
    ("phone_with_letters", at("candidate.phone", "0812-ABC-7890"), False),
    ("phone_five_digits", at("candidate.phone", "12345"), False),
    ("phone_sixteen_digits", at("candidate.phone", "+62 812 3456 7890 123"), False),
    ("phone_plus_inside", at("candidate.phone", "0812+3456+7890"), False),
    ("phone_arabic_indic_digits", at("candidate.phone", "\u0660\u0668\u0661\u0662\u0663\u0664\u0665"), False),
    ("phone_fullwidth_digits", at("candidate.phone", "\uff10\uff18\uff11\uff12\uff13\uff14\uff15"), False),
    ("phone_33", at("candidate.phone", "1" * 33), False),
    # characters no document format can hold, in any text
    ("evidence_bel", at(EVIDENCE, "Laporan \x07 2024"), False),
    ("evidence_esc", at(EVIDENCE, "\x1b[2J Laporan"), False),
    ("evidence_nul", at(EVIDENCE, "Lap\x00oran"), False),
    ("evidence_delete", at(EVIDENCE, "Lap\x7foran"), False),
    ("evidence_c1_csi", at(EVIDENCE, "Lap\x9b2Joran"), False),
    ("evidence_ufffe", at(EVIDENCE, "Laporan\ufffe"), False),
    ("evidence_ufdd0", at(EVIDENCE, "La\ufdd0"), False),
    ("evidence_u10ffff", at(EVIDENCE, "La\U0010ffff"), False),
    ("evidence_lone_high_surrogate_after_an_emoji", at(EVIDENCE, "\U0001f600\ud83d"), False),
    ("evidence_lone_low_surrogate", at(EVIDENCE, "\ude00 Lap"), False),
    ("evidence_esc_after_crlf", at(EVIDENCE, "  a\r\nb\x1b"), False),
    ("bk_evidence_vertical_tab", at(BK_EVIDENCE, "a\x0bb"), False),
    # ... and what rewrites a terminal or a table, in one line
    ("name_esc", at("candidate.name", "Siti\x1b[31m"), False),
    ("name_c1_csi", at("candidate.name", "Siti\x9b31m"), False),
    ("name_lone_surrogate", at("candidate.name", "Siti \ud83d"), False),
    ("name_right_to_left_override", at("candidate.name", "Siti \u202eRahma"), False),
    ("name_left_to_right_isolate", at("candidate.name", "\u2066Siti"), False),
    ("name_right_to_left_mark", at("candidate.name", "Siti\u200f"), False),
    ("name_arabic_letter_mark", at("candidate.name", "Si\u061cti"), False),
    ("name_tab", at("candidate.name", "Siti\tRahma"), False),
    ("name_newline", at("candidate.name", "Siti\nRahma"), False),
    ("name_carriage_return", at("candidate.name", "Siti\rRahma"), False),
    ("name_next_line", at("candidate.name", "Siti\x85Rahma"), False),
    ("name_paragraph_separator", at("candidate.name", "Siti\u2029Rahma"), False),
    ("email_right_to_left_override", at("candidate.email", "siti@\u202eoc.hotnoc"), False),
    ("phone_esc", at("candidate.phone", "0812\x1b3456"), False),
    ("typed_signature_rlo", at("signature", "Siti\u202e"), False),
    ("typed_signature_lone_surrogate", at("signature", "\udfffSiti"), False),
    # a drawn signature
    ("signature_jpeg", at("signature", "data:image/jpeg;base64,/9j/4AAQSkZJRg=="), False),
    ("signature_bad_base64", at("signature", "data:image/png;base64,iVBOR%%%"), False),
    ("signature_base64_without_padding", at("signature", png_data_url(png()).rstrip("=")[:-1]), False),
    (
        "signature_base64_with_a_space",
        at("signature", png_data_url(png())[:40] + " " + png_data_url(png())[40:]),
        False,
    ),
    ("signature_gif", at("signature", png_data_url(b"GIF89a" + b"\x00" * 40)), False),
    ("signature_png_over_200_kib", at("signature", png_data_url(png(300, 240, noise=True))), False),
    ("signature_png_18000_by_10000", at("signature", png_data_url(png_header(18000, 10000, 1, 0))), False),
    ("signature_png_ihdr_length_14", at("signature", png_data_url(png_header(40, 12, length=14))), False),
    ("signature_png_bit_depth_4_truecolour", at("signature", png_data_url(png_header(40, 12, bit_depth=4))), False),
    ("signature_png_width_zero", at("signature", png_data_url(png_header(0, 12))), False),
    ("signature_magic_bytes_only", at("signature", png_data_url(b"\x89PNG\r\n\x1a\n")), False),
    # several at once
    (
        "three_problems",
        every(at("candidate.name", "S"), at(EVIDENCE, "\x07"), at("candidate.phone", "12")),
        False,
    ),
]


@pytest.mark.parametrize("mutate, valid", [pytest.param(m, v, id=i) for i, m, v in CASES])
def test_page_and_handler_give_the_same_verdict_and_message(form, seed, mutate, valid):
    payload = full_payload(seed)
    mutate(payload)
    server = handler_verdict(payload, seed)
    assert (server == {}) is valid, server  # the case tests what its name says
    assert page_verdict(form, payload) == server


def test_the_page_lists_the_elements_as_the_handler_names_them(form, seed):
    elements = form.evaluate("Swanilai.form.elements")
    assert [el["key"] for el in elements] == list(seed.element_keys())


# -- the patterns mean the same in Python and JavaScript


# Only syntax both engines read alike (see handler/fields.py): anchors at the ends, ASCII literals,
# escaped punctuation, bracket classes of ASCII, groups, alternation and quantifiers.
_COMMON_SUBSET = re.compile(
    r"""\^(?:
        [A-Za-z0-9 !"#%&',/:;<=>@_`~-]      # a literal
      | \\[.+*?()\[\]{}|^$/\\-]             # escaped punctuation
      | \[(?:[A-Za-z0-9 !"#$%&'()*+,./:;<=>?@_`{|}~^-]|\\[\\\]\[-])+\]  # a class, not negated
      | \((?:\?:)? | \) | \|                # groups, alternation
      | [?*+] | \{[0-9]+(?:,[0-9]+)?\}      # quantifiers
    )*\$""",
    re.VERBOSE,
)


@pytest.mark.parametrize("name", list(fields.PATTERNS))
def test_every_pattern_uses_only_syntax_python_and_javascript_read_alike(name):
    pattern = fields.PATTERNS[name]
    assert _COMMON_SUBSET.fullmatch(pattern), f"{name}: {pattern}"


_ALPHABET = [
    *"09aAzZ.-+()@ _!#$%&'*/=?^`{|}~[]\\",
    "\n",
    "\r",
    "\t",
    "\u0660",  # Arabic-Indic zero: Python's \d takes it
    "\uff10",  # fullwidth zero
    "é",
    "\u0130",  # İ: case-folding traps
    "\u212a",  # Kelvin sign: folds to k
    "\U0001f600",
    "\ud83d",
]
_EDGES = [
    "",
    "\n",
    # hashes, status secrets and notice versions, and their near misses
    "ab" * 32,
    "ab" * 32 + "\n",
    "AB" * 32,
    "0123456789ab",
    "Xq3_-" * 8 + "abc",
    "Xq3_=" * 8 + "abc",
    "siti@contoh.co.id",
    "siti@contoh.co.id\n",
    "SITI@CONTOH.CO.ID",
    "siti@contoh",
    "a@b.c",
    "a@-b.c",
    "a@b-.c",
    "a@" + "b" * 63 + ".id",
    "a@" + "b" * 64 + ".id",
    "+62 812-3456 (7890).",
    "0812\n",
    "+",
    "++62",
    "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69",
    "0B5F8A47-3C1E-4D2A-9F6B-1E2D3C4B5A69",
    "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69\n",
    "e78fed516a7e",
    "E78FED516A7E",
    "e78fed516a7e\n",
    "iVBORw0KGgo=",
    "iVBORw0KGgo",
    "iVBORw0KGg==",
    "iVBO Rw0KGgo=",
    "iVBORw0KGgo=\n",
    "====",
    "AAAA====",
]


def _corpus() -> list[str]:
    rng = random.Random(20261123)
    generated = ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 24))) for _ in range(1500)]
    # Mutations of valid strings find the boundaries random text rarely reaches.
    for valid in ("siti.rahma@contoh.co.id", "+62 812-3456-7890", "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69", "QUJDRA=="):
        for _ in range(150):
            chars = list(valid)
            chars[rng.randrange(len(chars))] = rng.choice(_ALPHABET)
            generated.append("".join(chars))
    return _EDGES + generated


def test_every_pattern_gives_the_same_answer_in_python_and_javascript(form):
    corpus = _corpus()
    for name, pattern in fields.PATTERNS.items():
        python = [bool(re.fullmatch(pattern, text)) for text in corpus]
        javascript = form.evaluate(
            "([source, text]) => JSON.parse(text).map((s) => new RegExp(source).test(s))",
            [pattern, json.dumps(corpus)],
        )
        differ = [corpus[i] for i, (p, j) in enumerate(zip(python, javascript, strict=True)) if p != j]
        assert differ == [], f"{name}: {differ[:5]}"
        assert any(python) and not all(python), f"{name}: the corpus does not reach both answers"


# -- the page holds no copy of the table


def _scripts() -> dict[str, str]:
    return {
        path.name: path.read_text(encoding="utf-8") for path in sorted((SITE_SRC / "docs/assets/form").glob("*.js"))
    }


def test_the_page_embeds_the_table_exactly(form):
    embedded = form.evaluate("JSON.parse(document.getElementById('swanilai-rules').textContent)")
    assert embedded == json.loads(json.dumps(fields.page_rules()))


def test_the_scripts_hold_no_message_limit_or_pattern_of_the_table():
    templates = [*fields.MESSAGES.values(), *(error["message"] for error in fields.ERRORS.values())]
    # The longest stretch of each template without a placeholder: what a copy would contain.
    pieces = [max(re.split(r"\{[a-z_]+\}", template), key=len).strip() for template in templates]
    # Limits no other number in the scripts happens to equal (2000 is also a retry delay in ms).
    limits = {fields.EMAIL_MAX, fields.SIGNATURE_PNG_MAX_BYTES, fields.BODY_MAX_BYTES}
    for name, source in _scripts().items():
        assert [piece for piece in pieces if piece[:30] in source] == [], name
        assert {int(n) for n in re.findall(r"(?<![\w.])\d+(?![\w.])", source)} & limits == set(), name
        assert [p for p in fields.PATTERNS.values() if p[1:12] in source.replace("\\\\", "\\")] == [], name


# -- without its table the form says it cannot be used


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(
            lambda html: re.sub(r'<script type="application/json" id="swanilai-rules">.*?</script>', "", html),
            id="table_missing",
        ),
        pytest.param(
            lambda html: html.replace('id="swanilai-rules">{', 'id="swanilai-rules">{{'), id="table_unreadable"
        ),
    ],
)
def test_without_its_rule_table_the_form_says_it_cannot_be_used(phone, static_url, damage):
    def serve_damaged(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=damage(response.text()))

    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    phone.route("**" + SEED_PATH, serve_damaged)
    phone.goto(static_url + SEED_PATH)
    alert = phone.locator("#rules-missing")
    alert.wait_for(state="visible")
    assert alert.inner_text() == (
        "Formulir ini belum dapat dipakai: aturan pengisiannya tidak termuat bersama halaman ini, sehingga jawaban "
        "Anda tidak dapat diperiksa maupun dikirim. Muat ulang halaman ini; bila pesan ini tetap muncul, hubungi LSP."
    )
    assert phone.locator("#submit").is_disabled()
    assert phone.locator("#candidate-name").is_disabled()
    assert errors == [] and phone.outside_requests == []


def test_a_page_with_its_table_does_not_show_the_warning(phone, static_url):
    open_seed(phone, static_url)
    assert phone.locator("#rules-missing").is_hidden()
    assert phone.locator("#submit").is_enabled()


def test_the_embedded_table_cannot_end_its_script_element(monkeypatch):
    from swanilai import site_hooks

    monkeypatch.setattr(fields, "page_rules", lambda scheme=None: {"x": "</script><!-- & -->"})
    text = str(site_hooks.rules_json())
    assert not set("<>&") & set(text)
    assert json.loads(text) == {"x": "</script><!-- & -->"}

"""Import an LSP's own FR.APL.02 document (.docx, PDF or exported text) as a scheme YAML draft.

The pipeline, one module per step:
1. `job.import_document` checks the size and runs a reader in a child process with time and memory
   limits (`isolation`): `wordfile` (.docx), `pdffile` (PDF) or `textfile` (plain text) turn the
   document into `rows.Row`s: table rows and paragraphs, italics as `*...*`, each with its place.
2. `form.read_form` recovers the form from the rows: header, instructions, units, elements, KUK,
   repairing export damage (`cleaning`) and noting every assumption as a `messages.Note`.
3. `yamlfile` writes `schemes/<id>.yaml` atomically, a comment at each noted place, and never over
   an existing file without `force`; `report` prints what to check.
It never invents: what the document does not say stays out of the YAML, and the report says so.
"""

from swanilai.importer.job import ImportOutcome, import_document
from swanilai.importer.messages import ImportRefused

__all__ = ["ImportOutcome", "ImportRefused", "import_document"]

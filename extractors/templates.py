"""Load document knowledge from `templates/`: one folder per document type, one file per form version."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from intake.model import DocType, NfcStr


class TemplateError(ValueError):
    pass


class Marker(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: NfcStr
    strength: float = Field(gt=0.0, lt=1.0)
    starts_document: bool = False
    after_same_type_only: bool = False


class VersionRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pattern: str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Phrasing(Strict):
    """How a free-text value is commonly worded (a CT01 request: "Đăng ký tạm trú tại … , thời hạn tạm trú
    đến ngày …"): set phrases a reading is mended to when a few letters of them are read wrong, and where in
    it an address stands (extractors/phrasing.py)."""

    phrases: list[NfcStr]
    chars_per_edit: int = Field(
        gt=0, description="a phrase of n characters is taken when read with at most n // chars_per_edit edits"
    )
    address_after: list[NfcStr] = Field(
        default_factory=list, description="the words an address follows (its first occurrence)"
    )
    address_before: dict[NfcStr, str] = Field(
        default_factory=dict,
        description="what may follow the address, with the separator written before it (', ' or ' ')",
    )
    at_start: bool = Field(
        default=False, description="the phrases are matched at the value's start only (an occupation's name)"
    )
    at_end: bool = Field(
        default=False, description="the phrases are matched at the value's end only (an address's country)"
    )
    comma_before: bool = Field(
        default=False, description="a phrase that does not open the value follows a comma, put back if lost"
    )
    one_name_after: list[NfcStr] = Field(
        default_factory=list,
        description='words making one name with a phrase after them, no comma between ("Vương quốc Hà Lan")',
    )
    dates_after: list[NfcStr] = Field(
        default_factory=list, description="the words a date follows: a date has nothing more in its word"
    )
    read_as: dict[NfcStr, NfcStr] = Field(
        default_factory=dict,
        description="letters the handwriting model reads at a word's start for others (read → written: 'b' "
        "for 'tr'): a word so read is also matched as written so",
    )
    weighed: bool = Field(
        default=False,
        description="a handwritten value read as no words, as short as a phrase alone, is weighed against "
        "the phrases in the image (an occupation without its workplace)",
    )


class FieldSpec(Strict):
    """Where a field's value is and how to read it: after one of its labels, or where its pattern matches
    (with labels too, where no label is found), or one of any_of / present_if / one_of."""

    labels: list[NfcStr] = Field(default_factory=list)
    pattern: str | None = None
    any_of: list[NfcStr] = Field(default_factory=list)
    present_if: list[NfcStr] = Field(default_factory=list)
    one_of: dict[str, list[NfcStr]] = Field(
        default_factory=dict,
        description="value: the first key whose phrases occur on the document, else null",
    )
    normalizer: str = "text"
    line_start: bool = False
    colon: bool = Field(default=False, description="the label must be followed by a colon (short labels)")
    wraps: bool = False
    repeat: bool = False
    one_per: str | None = Field(
        default=None,
        description="a repeated field with one value for each of this field's values: fewer is flagged",
    )
    last: bool = False
    beside_wrapped_values: bool = Field(
        default=False,
        description="its pattern, opening a line that begins left of a wrapped value's column, is this field "
        "read together with that value's next line (an ID card's expiry date beside the address): cut there",
    )
    misread_pattern: str | None = Field(
        default=None,
        description="where no line holds the pattern, a line that holds this (the value read with characters "
        "it does not have) is read again, and the pattern looked for in that reading",
    )
    section: str | None = None
    digit_boxes: int | None = None
    required: bool = True
    vocabulary: list[NfcStr] = Field(
        default_factory=list, description="the only values the field can hold; a near miss is snapped to one"
    )
    canonical_starts: str | None = Field(
        default=None,
        description="name of a list in extraction.yaml canonical_starts: spellings of how values begin",
    )
    written_format: str | None = Field(
        default=None,
        description="name of a list in extraction.yaml written_formats: how the value is written",
    )
    phrasing: str | Phrasing | None = Field(
        default=None,
        description="the set phrases the value is written in: the name of an entry of extraction.yaml "
        "phrasings, or the field's own",
    )


class ColumnSpec(Strict):
    key: str
    header: NfcStr
    normalizer: str = "text"
    vocabulary: list[NfcStr] = Field(default_factory=list)
    canonical_starts: str | None = None
    written_format: str | None = None
    keep: bool = Field(default=True, description="False: locate the column, but leave it out of the record")


class TableSpec(Strict):
    title: NfcStr
    end_markers: list[NfcStr] = Field(default_factory=list)
    columns: list[ColumnSpec]

    def under(self, base: TableSpec | None) -> TableSpec:
        """This (a form version's) table with what it and its columns leave unsaid (its end markers; a
        column's closed list, written format) taken from the base table and its column of the same key: the
        2021 form's relationship column is checked against the same list as the 2023 form's."""
        if base is None:
            return self
        base_columns = {column.key: column for column in base.columns}
        columns = [
            base_columns[column.key].model_copy(
                update={name: getattr(column, name) for name in column.model_fields_set}
            )
            if column.key in base_columns
            else column
            for column in self.columns
        ]
        own = {name: getattr(self, name) for name in self.model_fields_set}
        return base.model_copy(update={**own, "columns": columns})


class BlockSpec(Strict):
    header: NfcStr
    last: bool = False


class SectionSpec(Strict):
    start: NfcStr
    end: list[NfcStr] = Field(default_factory=list)


class DerivedSpec(Strict):
    source: str | None = Field(default=None, alias="from")
    map: str | None = None
    all_of: list[str] = Field(default_factory=list)


class ColonLabels(Strict):
    """Labels that end at a colon ("Quê quán / Place of origin: …"): what precedes a colon names a field."""

    cutoff: float = Field(description="least similarity of the text before a colon to a label, marks aside")
    margin: float = Field(description="by how much it must be nearer one field's label than any other's")


def _with_value(pattern: str) -> str:
    if "value" not in re.compile(pattern).groupindex:
        raise ValueError(f"pattern {pattern!r} has no group 'value'")
    return pattern


# A regular expression whose group `value` is the part of a text it finds.
ValuePattern = Annotated[str, AfterValidator(_with_value)]


class Mention(Strict):
    """A field whose value another field of the form names too: the CT01 request names the household head
    it joins ("… vào hộ gia đình ông Nguyễn Văn An tại …"), two readings of one name
    (extractors/mentions.py)."""

    field: str
    within: str = Field(alias="in", description="the field whose value names it")
    pattern: ValuePattern = Field(description="where in that value it is named: the group `value`")
    when_equal: list[str] = Field(
        default_factory=list,
        description="fields whose values must be one for the two to name one person (the declarant's and the "
        "head's IDs: a declarant who heads the household writes their name twice); none: always",
    )


class ExtractionSpec(Strict):
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    mentions: list[Mention] = Field(default_factory=list)
    colon_labels: ColonLabels | None = None
    stop_labels: list[NfcStr] = Field(default_factory=list)
    tables: dict[str, TableSpec] = Field(default_factory=dict)
    blocks: dict[str, BlockSpec] = Field(default_factory=dict)
    block_printed_text: list[NfcStr] = Field(default_factory=list)
    sections: dict[str, SectionSpec] = Field(default_factory=dict)
    derived: dict[str, DerivedSpec] = Field(default_factory=dict)
    not_on_form: dict[str, Any] = Field(
        default_factory=dict,
        description="canonical keys the form has no place for, with the value that says so",
    )

    def check_references(self) -> None:
        """Each `one_per` pairs two repeated fields of this (whole, not a version's partial) spec, and each
        mention names two of its fields."""
        for key, item in self.fields.items():
            paired = self.fields.get(item.one_per) if item.one_per else None
            if item.one_per and not (item.repeat and paired is not None and paired.repeat):
                raise ValueError(f"{key}: one_per must pair two repeated fields, not {item.one_per!r}")
        for mention in self.mentions:
            unknown = {mention.field, mention.within, *mention.when_equal} - set(self.fields)
            if unknown:
                raise ValueError(
                    f"mention of {mention.field} in {mention.within}: no field {sorted(unknown)}"
                )

    def overridden_by(self, other: ExtractionSpec) -> ExtractionSpec:
        """This spec with a form version's additions and replacements (per field, table, block …)."""
        return ExtractionSpec(
            fields={**self.fields, **other.fields},
            colon_labels=other.colon_labels or self.colon_labels,
            stop_labels=[*self.stop_labels, *other.stop_labels],
            tables={
                **self.tables,
                **{key: table.under(self.tables.get(key)) for key, table in other.tables.items()},
            },
            blocks={**self.blocks, **other.blocks},
            block_printed_text=[*self.block_printed_text, *other.block_printed_text],
            sections={**self.sections, **other.sections},
            derived={**self.derived, **other.derived},
            not_on_form={**self.not_on_form, **other.not_on_form},
            mentions=other.mentions or self.mentions,
        )


class VersionTemplate(ExtractionSpec):
    doc_type: DocType
    version: str
    circular: str | None = None
    in_force_from: str | None = None
    markers: list[Marker] = Field(default_factory=list)


class DocumentTemplate(ExtractionSpec):
    doc_type: DocType
    name: NfcStr
    markers: list[Marker]
    excludes: list[NfcStr] = Field(default_factory=list)
    # Words an attachment of this type is named with ("so hong", "hop dong"), without tone marks: a page too
    # poorly read for its text to tell its type takes the one its file's name tells (classification.yaml).
    file_names: list[NfcStr] = Field(default_factory=list)
    version: VersionRule | None = None
    versions: list[VersionTemplate] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_known(self) -> DocumentTemplate:
        for version in [None, *(v.version for v in self.versions)]:
            self.extraction(version).check_references()
        return self

    def extraction(self, form_version: str | None) -> ExtractionSpec:
        base = ExtractionSpec.model_validate(
            self.model_dump(include=set(ExtractionSpec.model_fields), by_alias=True)
        )
        chosen = next((v for v in self.versions if v.version == form_version), None)
        if chosen is None:
            return base
        own = ExtractionSpec.model_validate(
            chosen.model_dump(include=set(ExtractionSpec.model_fields), by_alias=True, exclude_unset=True)
        )
        return base.overridden_by(own)


class ClassificationRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fuzzy_cutoff: float
    accept: float
    continuation_accept: float
    margin: float
    other_below: float
    min_readable_chars: int
    min_line_confidence: float
    file_name_below: float
    file_name_min_lines: int
    file_name_confidence: float
    file_names_of_other_papers: list[NfcStr] = Field(default_factory=list)


class ForeignPaperRules(Strict):
    min_words: int
    min_line_confidence: float
    max_vietnamese_share: float
    unclear_band: tuple[float, float]
    unreadable_text_chars: int
    marker_cutoff: float
    legalisation_markers: list[NfcStr]
    translation_markers: list[NfcStr]


class WeighedGroup(Strict):
    """How an unsure value of a group is scored against the sure values of its group on other papers."""

    charset: str | None = Field(
        default=None, description="the characters a row of digit boxes is read with; values on a line: none"
    )
    max_shortfall: float = Field(
        description="log-probability by which the sure value may fall behind the model's best reading"
    )
    same_paper: bool = Field(
        default=False,
        description="also weigh against the sure values of the group's other fields on the same paper (a "
        "declarant who heads the household writes their ID twice on the CT01)",
    )


class Quote(Strict):
    """A part of a field's value that another paper of the dossier carries as part of one of its fields: the
    address a CT01 request asks for ("Đăng ký thường trú tại Số 37 đường Lê Lợi, phường …"), which the paper
    proving lawful residence there names (extractors/confirm.py)."""

    within: str = Field(alias="in", description="the field whose value quotes the other paper")
    pattern: ValuePattern = Field(description="where in that value the quoted part is: the group `value`")
    sources: list[str] = Field(alias="from", description="the other papers' fields it quotes")
    source_pattern: ValuePattern = Field(
        description="the part of a source's value that is quoted: the group `value`"
    )
    listed_place_stands: bool = Field(
        default=False,
        description="the quoted part is a place name: read as one the gazetteer lists, it is what was "
        "written (the proof may name the ward before 2025's), and only a name listed nowhere is mended",
    )


class ConfirmationRules(Strict):
    groups: dict[str, list[str]] = Field(
        description="field keys that hold the same kind of value across document types (names, IDs, dates)"
    )
    weighed: dict[str, WeighedGroup] = Field(
        default_factory=dict, description="group → how its unsure values are weighed (extractors/confirm.py)"
    )
    quotes: list[Quote] = Field(default_factory=list)


class HandwrittenChoices(Strict):
    """Closed kinds of value whose handwritten reading may be settled by scoring their written forms."""

    margin: float = Field(description="log-probability lead every crop must give the chosen form")
    forms: dict[str, list[NfcStr]] = Field(
        default_factory=dict, description="normaliser → the words such a value is written as"
    )
    email_domain_margin: float | None = Field(
        default=None,
        description="lead every crop must give one common mail service ('@gmail.com'…) to a failed email",
    )


class WrittenFormat(Strict):
    """One form a value is written in, one character class per position: "[0-3][0-9]/[01][0-9]/…"."""

    pattern: str
    positions: list[str]

    @model_validator(mode="before")
    @classmethod
    def _from_pattern(cls, data: Any) -> Any:
        if not isinstance(data, str):
            return data
        positions = []
        for token in re.findall(r"\[[^\]]+\]|.", data):
            if not token.startswith("["):
                positions.append(token)
                continue
            chars = re.sub(
                r"(.)-(.)", lambda m: "".join(map(chr, range(ord(m[1]), ord(m[2]) + 1))), token[1:-1]
            )
            positions.append("".join(dict.fromkeys(chars)))
        return {"pattern": data, "positions": positions}


class WrittenFormats(Strict):
    forms: list[WrittenFormat] = Field(
        description="the forms such a value is written in (taken longest first)"
    )
    replaces_valid: bool = Field(
        default=False, description="also replace a valid value as read (else only one that fails)"
    )
    max_shortfall: float | None = Field(
        default=None, description="how far behind the crop's best reading a form's reading may fall"
    )

    @model_validator(mode="after")
    def _longest_first(self) -> WrittenFormats:
        self.forms.sort(key=lambda form: -len(form.positions))
        return self


class IdBirthDigits(Strict):
    """How an ID that disagrees with its holder's date of birth is re-read with the date's digits imposed."""

    max_shortfall: float = Field(
        description="how far behind the crop's best reading the re-read with the date's digits may fall"
    )


class WeighedNumbers(Strict):
    """How a handwritten number whose re-reads disagree is chosen among their valid readings (fields.py
    `_weighed_number`)."""

    max_shortfall: float = Field(
        description="the most any crop may put the chosen number behind its best reading"
    )
    margin: float = Field(description="by how much the next valid reading's summed shortfall must be larger")


class WeighedListed(Strict):
    """When a handwritten value is taken to be one of a few listed values the image is weighed against (a
    relationship, a country, a city's name, a given name: fields.py `_listed_choice`)."""

    lead: float = Field(
        description="how far ahead of the next listed value, in the crops together, it must be"
    )
    max_shortfall: float = Field(
        description="the most it may fall behind the crops' best readings, on average per crop: a value that "
        "is no listed one falls far behind whichever listed value leads"
    )


class WeighedNameWords(Strict):
    """When a word of a handwritten name that is no listed name is taken to be the listed name its crops hold
    about as well as the word as read (fields.py `_name_word_choice`)."""

    max_behind: float = Field(description="the most it may fall behind the word as read, per crop")
    lead: float = Field(description="how far ahead of the next listed name it must be, per crop")


OneCharacter = Annotated[str, StringConstraints(min_length=1, max_length=1)]


class WeighedEmail(Strict):
    """How a handwritten email is set right by its near variants (fields.py `_weighed_email`): the model
    drops a local part's dot and writes a script "t" as "l" or "b", yet its crops hold the written form."""

    confusions: list[tuple[OneCharacter, OneCharacter]] = Field(
        description="a character the model reads for another, and that other (read → written)"
    )
    max_behind: float = Field(
        description="the most a variant may fall behind the value, per crop, to be taken (negative: ahead)"
    )
    max_steps: int = Field(gt=0, description="how many variants may be taken one after another")


class EmailFromName(Strict):
    """How a handwritten email is weighed against the addresses its writer's name makes (email_name.py)."""

    forms: list[str] = Field(
        description="address forms of a name: {surname}, {given}, {middle} (the middle names run together), "
        "{initials} (of the surname and middle names)"
    )
    max_edits: int = Field(ge=0, description="the most edits between a form and the letters read for it")
    max_behind: float = Field(
        description="the most a form may fall behind the value, per crop, to be taken (negative: ahead)"
    )
    name_max_behind: float = Field(
        description="the most a name with the given name the email spells may fall behind the name as read, "
        "per crop, to be taken"
    )
    email_unlike_name: float = Field(
        description="how far, per crop, the email's own crops must put the address the name as read makes "
        "behind the email as read, for the email to correct the name"
    )


class RelationshipSpan(Strict):
    relationships: list[NfcStr]
    younger_by: tuple[int, int] = Field(
        description="how many years younger than the household head a declarant of these relationships can "
        "be (negative: older), both ends included"
    )


class RelationshipAges(Strict):
    """Which relationships to the household head the declarant's and the head's years of birth allow
    (relationship.py)."""

    head_itself: list[NfcStr] = Field(
        description="the relationships of a declarant who is the head (the same ID), and of no one else"
    )
    spans: list[RelationshipSpan] = Field(
        description="relationships by age gap; one listed in no span is allowed at any age"
    )

    def span_of(self, relationship: str) -> tuple[int, int] | None:
        return next((span.younger_by for span in self.spans if relationship in span.relationships), None)


class ExtraDigit(Strict):
    """When a handwritten number read valid is taken to hold one digit the citizen did not write (fields.py
    `_extra_digit`): how much likelier (log-probability) its whole line must find the number without it."""

    leader_ahead: float = Field(description="without its last digit, which may be a leader's dot read as one")
    agreed_ahead: float = Field(
        description="as the failing number most of the re-reads agree on, one digit shorter (not its first)"
    )


class ExtractionRules(Strict):
    label_cutoff: float
    review_below: float
    ink_fraction: float
    digit_box_min_confidence: float
    agreeing_reads_confidence: float | None = None
    foreign_papers: ForeignPaperRules
    canonical_starts: dict[str, list[NfcStr]] = Field(default_factory=dict)
    name_syllables: list[NfcStr] = Field(default_factory=list)
    cross_document: ConfirmationRules = Field(default_factory=lambda: ConfirmationRules(groups={}))
    handwritten_choices: HandwrittenChoices = Field(default_factory=lambda: HandwrittenChoices(margin=3.0))
    written_formats: dict[str, WrittenFormats] = Field(default_factory=dict)
    id_birth_digits: IdBirthDigits | None = None
    weighed_numbers: WeighedNumbers | None = None
    extra_digit: ExtraDigit | None = None
    weighed_listed: WeighedListed | None = None
    phrasings: dict[str, Phrasing] = Field(default_factory=dict)
    weighed_email: WeighedEmail | None = None
    email_from_name: EmailFromName | None = None
    relationship_ages: RelationshipAges | None = None
    weighed_name_words: WeighedNameWords | None = None
    # Middle names that say a person's sex ("Thị": female), by the sex they say (birth_year.sex_from_id).
    sex_of_middle_names: dict[Literal["male", "female"], list[NfcStr]] = Field(default_factory=dict)


class RequestType(Strict):
    phrase: NfcStr
    type: str
    procedure: str | None = None


class TemplateSet(BaseModel):
    documents: list[DocumentTemplate]
    classification: ClassificationRules
    extraction: ExtractionRules
    request_types: list[RequestType]
    # The office's time zone (calendar.yaml): the year a dossier is received in is the office's year.
    timezone: str = "Asia/Ho_Chi_Minh"

    @model_validator(mode="after")
    def _phrasings_known(self) -> TemplateSet:
        for document in self.documents:
            for version in [None, *(v.version for v in document.versions)]:
                for key, item in document.extraction(version).fields.items():
                    if isinstance(item.phrasing, str) and item.phrasing not in self.extraction.phrasings:
                        raise ValueError(f"{document.doc_type} {key}: no phrasing {item.phrasing!r}")
        return self

    def document(self, doc_type: DocType) -> DocumentTemplate | None:
        return next((item for item in self.documents if item.doc_type == doc_type), None)


def _read_yaml(path: Path) -> dict:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(content, dict):
        raise TemplateError(f"{path}: expected a mapping at the top level")
    return content


@lru_cache(maxsize=8)
def load_templates(templates_dir: Path) -> TemplateSet:
    documents_dir = templates_dir / "documents"
    if not documents_dir.is_dir():
        raise TemplateError(f"no document templates in {documents_dir}")
    documents: list[DocumentTemplate] = []
    for type_dir in sorted(p for p in documents_dir.iterdir() if p.is_dir()):
        type_file = type_dir / "_type.yaml"
        if not type_file.is_file():
            raise TemplateError(f"{type_dir}: missing _type.yaml")
        try:
            document = DocumentTemplate.model_validate(_read_yaml(type_file))
            for version_file in sorted(type_dir.glob("*.yaml")):
                if version_file.name == "_type.yaml":
                    continue
                version = VersionTemplate.model_validate(_read_yaml(version_file))
                if version.doc_type != document.doc_type:
                    raise TemplateError(f"{version_file}: doc_type differs from its folder's _type.yaml")
                document.versions.append(version)
        except ValueError as exc:
            raise TemplateError(f"{type_dir}: {exc}") from exc
        documents.append(document)
    try:
        return TemplateSet(
            documents=documents,
            classification=ClassificationRules.model_validate(
                _read_yaml(templates_dir / "classification.yaml")
            ),
            extraction=ExtractionRules.model_validate(_read_yaml(templates_dir / "extraction.yaml")),
            request_types=[
                RequestType.model_validate(item)
                for item in _read_yaml(templates_dir / "request_types.yaml")["request_types"]
            ],
            timezone=str(_read_yaml(templates_dir / "calendar.yaml").get("timezone", "Asia/Ho_Chi_Minh")),
        )
    except (ValueError, KeyError) as exc:
        raise TemplateError(f"{templates_dir}: {exc}") from exc

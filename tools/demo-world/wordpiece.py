"""Caption tokenizer of the demo models: builds a small WordPiece tokenizer.json and encodes exactly as
@huggingface/tokenizers 0.2.0 does (NFD + strip accents + lowercase, BertPreTokenizer, greedy WordPiece,
template `<|startoftext|> $A <|endoftext|>`), so training ids equal the app's ids (checked by a committed fixture)."""
import re
import string
import unicodedata

SOT = "<|startoftext|>"
EOT = "<|endoftext|>"
UNK = "[UNK]"
SUBWORD_PREFIX = "##"
MAX_CHARS_PER_WORD = 100

# JavaScript's `\s` under the `u` flag (ECMAScript WhiteSpace + LineTerminator), used by the JS pre-tokenizer.
_JS_SPACE = set("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | {
    chr(c) for c in range(0x2000, 0x200B)
}
# PUNCTUATION_REGEX of tokenizers.js: \p{P} plus the ASCII symbol ranges.
_ASCII_PUNCT = {chr(c) for r in ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)) for c in range(r[0], r[1] + 1)}


def _is_punct(ch):
    return ch in _ASCII_PUNCT or unicodedata.category(ch).startswith("P")


def normalize(text):
    """Sequence[NFD, StripAccents, Lowercase] as tokenizers.js applies it (StripAccents removes \\p{M})."""
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))
    return text.lower()


def pre_tokenize(text):
    """BertPreTokenizer of tokenizers.js: trim, then runs of non-space non-punctuation, or one punctuation char."""
    words, current = [], []
    for ch in text.strip("".join(_JS_SPACE)):
        if ch in _JS_SPACE or _is_punct(ch):
            if current:
                words.append("".join(current))
                current = []
            if ch not in _JS_SPACE:
                words.append(ch)
        else:
            current.append(ch)
    if current:
        words.append("".join(current))
    return words


def learn_pieces(captions, merges):
    """BPE-style merges over the caption words (each distinct caption counted once), written as WordPiece pieces
    (word-initial `ab`, continuation `##ab`). Rare words then split into pieces that other captions also use, so
    a held-out caption is not made of never-trained tokens (as with CLIP's BPE on its broad corpus)."""
    counts = {}
    for c in sorted(set(captions)):
        for w in pre_tokenize(normalize(c)):
            counts[w] = counts.get(w, 0) + 1
    seqs = {w: [w[0]] + [SUBWORD_PREFIX + ch for ch in w[1:]] for w in counts}
    pieces = {p for q in seqs.values() for p in q}
    for _ in range(merges):
        pairs = {}
        for w, q in seqs.items():
            for a, b in zip(q, q[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + counts[w]
        if not pairs:
            break
        (a, b), _count = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        merged = a + b[len(SUBWORD_PREFIX):]
        pieces.add(merged)
        for w, q in seqs.items():
            out, i = [], 0
            while i < len(q):
                if i + 1 < len(q) and q[i] == a and q[i + 1] == b:
                    out.append(merged)
                    i += 2
                else:
                    out.append(q[i])
                    i += 1
            seqs[w] = out
    return pieces


class WordPieceTokenizer:
    """Small WordPiece vocabulary learned from all captions, plus every ASCII letter, digit and punctuation mark as fallback pieces."""

    def __init__(self, captions, merges=600):
        alnum = string.ascii_lowercase + string.digits
        pieces = learn_pieces(captions, merges) | set(alnum + string.punctuation) | {SUBWORD_PREFIX + c for c in alnum}
        # Special tokens last, as in CLIP, so <|endoftext|> has the highest id.
        self.vocab = {t: i for i, t in enumerate(sorted(pieces) + [UNK, SOT, EOT])}
        self.unk_id, self.sot_id, self.eot_id = self.vocab[UNK], self.vocab[SOT], self.vocab[EOT]

    def _word_pieces(self, word):
        if len(word) > MAX_CHARS_PER_WORD:
            return [UNK]
        pieces, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                sub = word[start:end] if start == 0 else SUBWORD_PREFIX + word[start:end]
                if sub in self.vocab:
                    found = sub
                    break
                end -= 1
            if found is None:
                return [UNK]
            pieces.append(found)
            start = end
        return pieces

    def encode(self, text):
        """Ids with start/end tokens, no padding (tokenizers.js `encode(text).ids`)."""
        # Literal special tokens in the text are matched before normalisation, as the JS added-token splitter does.
        specials = re.compile("|".join(re.escape(t) for t in sorted((UNK, SOT, EOT), key=len, reverse=True)))
        ids, last = [], 0
        for m in list(specials.finditer(text)) + [None]:
            section = text[last: m.start() if m else len(text)]
            pieces = [p for w in pre_tokenize(normalize(section)) for p in self._word_pieces(w)]
            ids += [self.vocab[p] for p in pieces]
            if m:
                ids.append(self.vocab[m.group(0)])
                last = m.end()
        return [self.sot_id] + ids + [self.eot_id]

    def encode_padded(self, text, length):
        """Truncate keeping the end token, pad with the end token (CLIP convention) to `length`."""
        ids = self.encode(text)
        if len(ids) > length:
            ids = ids[: length - 1] + [self.eot_id]
        return ids + [self.eot_id] * (length - len(ids))

    def tokenizer_json(self):
        """The Hugging Face tokenizer.json document."""
        special = [
            {"id": self.vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for t in (UNK, SOT, EOT)
        ]
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": special,
            "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"}, {"type": "Lowercase"}]},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": SOT, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                           {"SpecialToken": {"id": EOT, "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": SOT, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": EOT, "type_id": 1}}],
                "special_tokens": {t: {"id": t, "ids": [self.vocab[t]], "tokens": [t]} for t in (SOT, EOT)},
            },
            "decoder": {"type": "WordPiece", "prefix": SUBWORD_PREFIX, "cleanup": True},
            "model": {"type": "WordPiece", "unk_token": UNK, "continuing_subword_prefix": SUBWORD_PREFIX,
                      "max_input_chars_per_word": MAX_CHARS_PER_WORD, "vocab": self.vocab},
        }

    def tokenizer_config(self, max_length):
        """tokenizer_config.json: special tokens and the context length the text model was trained with."""
        return {"bos_token": SOT, "eos_token": EOT, "pad_token": EOT, "unk_token": UNK, "model_max_length": max_length,
                "do_lower_case": True, "clean_up_tokenization_spaces": True, "tokenizer_class": "PreTrainedTokenizerFast"}

#!/usr/bin/python3
"""Reference CLIP token ids for test captions (test/fixtures/preprocess/clip-token-ids.json).

An independent implementation of OpenAI CLIP's simple_tokenizer (byte-level BPE with '</w>' word ends,
its regex, start/end tokens, truncation keeping <|endoftext|>) using the vocabulary and merges of
../shared/fixtures/clip-tokenizer/tokenizer.json. Normalisation is that of the Hugging Face tokenizer
(NFC, whitespace runs to one space, lowercase): OpenAI's version also runs ftfy and html.unescape,
which Debian's Python lacks and which tokenizer.json does not do.
Needs Debian's python3-regex (apt-get install python3-regex) for \\p{L} / \\p{N}.
"""
import json
import os
import sys
import unicodedata

import regex as re

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.join(HERE, '..', '..')
TOKENIZER = os.path.join(REPO, '..', 'shared', 'fixtures', 'clip-tokenizer', 'tokenizer.json')
OUT = os.path.join(REPO, 'test', 'fixtures', 'preprocess', 'clip-token-ids.json')
PATTERN = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", re.IGNORECASE)
SOT, EOT = '<|startoftext|>', '<|endoftext|>'

CAPTIONS = [
    'a photo of a cat',
    'a photo of a dog',
    'A PHOTO OF A CAT!',
    "It's a dog's life, isn't it? They'll say we'd've known.",
    'Hello, world... 3:45pm & 20°C -- 100% (approx.) #tag @user',
    'naïve café résumé Zürich ÅÄÖ',
    'Ελληνικά: ΟΔΥΣΣΕΥΣ και ΣΊΣΥΦΟΣ',
    'İstanbul ß straße ﬁne',
    '日本の猫がソファで寝ている',
    'emoji 😂🐈 ❤️ 👍🏽',
    '  leading and   trailing   spaces\t\nand tabs  ',
    'numbers 1234567890 and 3.14159, 1e-5',
    'e-mail: someone@example.com, url: https://example.org/a_b?c=d',
    'html &amp; entities &lt;b&gt;',
    'text with <|endoftext|> inside and <|startoftext|> too',
    'CamelCaseWordsAndALLCAPS mixedCase',
    'a',
    '',
    '   ',
    ' '.join(['a cat sat on the mat and looked at the hat'] * 12),
    'supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis',
]


def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class ClipBpe:
    def __init__(self, tokenizer_json):
        model = tokenizer_json['model']
        self.encoder = model['vocab']
        merges = [tuple(m.split(' ')) if isinstance(m, str) else tuple(m) for m in model['merges']]
        self.ranks = dict(zip(merges, range(len(merges))))
        self.byte_encoder = bytes_to_unicode()
        self.cache = {SOT: SOT, EOT: EOT}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + '</w>',)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            bigram = min(pairs, key=lambda p: self.ranks.get(p, float('inf')))
            if bigram not in self.ranks:
                break
            first, second = bigram
            merged, i = [], 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                except ValueError:
                    merged.extend(word[i:])
                    break
                merged.extend(word[i:j])
                i = j
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = tuple(merged)
        out = ' '.join(word)
        self.cache[token] = out
        return out

    def encode(self, text):
        text = re.sub(r'\s+', ' ', unicodedata.normalize('NFC', text)).strip().lower()
        ids = []
        for piece in re.findall(PATTERN, text):
            if piece not in (SOT, EOT):
                piece = ''.join(self.byte_encoder[b] for b in piece.encode('utf-8'))
            ids.extend(self.encoder[t] for t in self.bpe(piece).split(' '))
        return ids

    def tokenize(self, text, context_length=77):
        """clip.tokenize: [SOT] + ids + [EOT], cut to the context length keeping EOT (truncate=True)."""
        ids = [self.encoder[SOT]] + self.encode(text) + [self.encoder[EOT]]
        truncated = len(ids) > context_length
        if truncated:
            ids = ids[:context_length - 1] + [self.encoder[EOT]]
        return ids, truncated


def main():
    if not os.path.exists(TOKENIZER):
        sys.exit(f'{TOKENIZER} not found: the CLIP tokenizer fixture lives in ../shared/fixtures/clip-tokenizer')
    with open(TOKENIZER, encoding='utf-8') as f:
        bpe = ClipBpe(json.load(f))
    cases = []
    for caption in CAPTIONS:
        ids, truncated = bpe.tokenize(caption)
        cases.append({'caption': caption, 'ids': ids, 'truncated': truncated})
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump({'generator': 'tools/preprocess-reference/clip_token_ids.py', 'contextLength': 77, 'cases': cases}, f, ensure_ascii=False, indent=1)
    for c in cases:
        print(len(c['ids']), c['ids'][:12], repr(c['caption'][:40]))


if __name__ == '__main__':
    main()

"""CLIP's BPE tokenizer (openai/CLIP simple_tokenizer.py) driven by a Hugging Face tokenizer.json.

The `tokenizers` package is not available offline here, so reference token ids are produced by this
re-implementation; for plain captions it matches CLIPTokenizer ("a photo of a cat" ->
49406 320 1125 539 320 2368 49407, checked in main()).
"""
import json
import unicodedata
from functools import lru_cache

import regex

PATTERN = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE)


def bytes_to_unicode():
    # GPT-2 byte-level alphabet, as in simple_tokenizer.bytes_to_unicode.
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
    def __init__(self, tokenizer_json: str, context_length: int = 77):
        spec = json.load(open(tokenizer_json, encoding='utf-8'))
        self.vocab = spec['model']['vocab']
        merges = [tuple(m.split(' ')) if isinstance(m, str) else tuple(m) for m in spec['model']['merges']]
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.bos = self.vocab['<|startoftext|>']
        self.eos = self.vocab['<|endoftext|>']
        self.context_length = context_length
        self.bpe = lru_cache(maxsize=None)(self._bpe)

    def _bpe(self, token: str):
        word = tuple(token[:-1]) + (token[-1] + '</w>',)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float('inf')))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = tuple(merged)
        return word

    def encode(self, text: str):
        # Normaliser of the CLIP tokenizer.json: NFC, collapse whitespace, lowercase.
        text = regex.sub(r'\s+', ' ', unicodedata.normalize('NFC', text)).strip().lower()
        ids = []
        for token in PATTERN.findall(text):
            token = ''.join(self.byte_encoder[b] for b in token.encode('utf-8'))
            ids.extend(self.vocab[t] for t in self.bpe(token))
        return ids

    def __call__(self, text: str):
        """Ids with BOS/EOS, truncated to the context keeping EOS, padded with EOS (HF pad_token)."""
        body = self.encode(text)[: self.context_length - 2]
        ids = [self.bos] + body + [self.eos]
        mask = [1] * len(ids) + [0] * (self.context_length - len(ids))
        ids = ids + [self.eos] * (self.context_length - len(ids))
        return ids, mask


def main():
    import sys
    bpe = ClipBpe(sys.argv[1])
    ids, _ = bpe('a photo of a cat')
    assert ids[:7] == [49406, 320, 1125, 539, 320, 2368, 49407], ids[:7]
    print('ok', ids[:7])


if __name__ == '__main__':
    main()

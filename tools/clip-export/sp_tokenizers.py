"""Small SentencePiece-style tokenizers in the `tokenizers` tokenizer.json schema, and reference encoders for them.

SigLIP: a T5-like Unigram (Metaspace pre-tokenizer, `</s>` appended, pad = `</s>`, lowercasing and punctuation
removal in the normalizer as transformers' SiglipTokenizer does). SigLIP 2: a Gemma-like BPE (spaces replaced by
`▁` in the normalizer, no pre-tokenizer, byte fallback to `<0xNN>`, `<eos>` appended, pad = `<pad>`).
The encoders follow the Rust `tokenizers` crate (models/unigram: Viterbi, unknown pieces scored min - 10 and fused;
models/bpe: lowest-rank merge first, leftmost on ties, byte fallback per unknown character). No `tokenizers` or
`sentencepiece` package is needed; the TypeScript side must reproduce these ids exactly.
"""
import math
import random
import re
import string

SPACE = '\u2581'
PUNCT = '[' + re.escape(string.punctuation) + ']'
CORPUS = ('a photo of a cat on the table two dogs playing in the snow at sunset red apple wooden hand drawn '
          'diagram solar system very long caption with word number zero one two three four five six seven eight '
          'nine ten the of and to in is it this that photograph picture image of an animal person people street '
          'city night day blue green yellow black white small large old new water sky tree house car road').split()


def _pieces(words, rng, limit):
    """Candidate subwords: every word and its prefixes/suffixes of length >= 2, capped at `limit`."""
    seen = []
    for w in words:
        for cand in [SPACE + w, w, SPACE + w[: len(w) // 2], w[len(w) // 2:], w[:3], w[-3:]]:
            if len(cand) >= 2 and cand not in seen:
                seen.append(cand)
    rng.shuffle(seen)
    return seen[:limit]


def unigram_tokenizer(seed=7, size=320):
    """A SigLIP-like tokenizer.json (dict) with `size` pieces; specials <pad>=0, </s>=1, <unk>=2."""
    rng = random.Random(seed)
    chars = [SPACE] + list(string.ascii_lowercase) + list(string.digits) + list('éèàüöç')
    pieces = _pieces(CORPUS, rng, size - 3 - len(chars))
    vocab = [['<pad>', 0.0], ['</s>', 0.0], ['<unk>', 0.0]]
    vocab += [[c, round(-8.0 - rng.random() * 3, 4)] for c in chars]
    vocab += [[p, round(-2.0 - rng.random() * 6 - 0.3 * len(p), 4)] for p in pieces]
    special = [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
               for i, t in enumerate(['<pad>', '</s>', '<unk>'])]
    return {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': special,
        'normalizer': {'type': 'Sequence', 'normalizers': [
            {'type': 'Lowercase'},
            {'type': 'Replace', 'pattern': {'Regex': PUNCT}, 'content': ''},
            {'type': 'Replace', 'pattern': {'Regex': r'\s+'}, 'content': ' '},
            {'type': 'Strip', 'strip_left': True, 'strip_right': True}]},
        'pre_tokenizer': {'type': 'Metaspace', 'replacement': SPACE, 'prepend_scheme': 'always', 'split': True},
        'post_processor': {'type': 'TemplateProcessing',
                           'single': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
                           'pair': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}},
                                    {'Sequence': {'id': 'B', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
                           'special_tokens': {'</s>': {'id': '</s>', 'ids': [1], 'tokens': ['</s>']}}},
        'decoder': {'type': 'Metaspace', 'replacement': SPACE, 'prepend_scheme': 'always', 'split': True},
        'model': {'type': 'Unigram', 'unk_id': 2, 'vocab': vocab, 'byte_fallback': False},
    }


def _train_merges(words, n_merges):
    """Plain BPE training on a word list: the most frequent adjacent pair (ties: smallest pair) merged each round."""
    seqs = [list(w) for w in words]
    merges = []
    for _ in range(n_merges):
        counts = {}
        for s in seqs:
            for a, b in zip(s, s[1:]):
                counts[(a, b)] = counts.get((a, b), 0) + 1
        if not counts:
            break
        pair = min(counts, key=lambda p: (-counts[p], p))
        merges.append(pair)
        for s in seqs:
            i = 0
            while i < len(s) - 1:
                if (s[i], s[i + 1]) == pair:
                    s[i:i + 2] = [s[i] + s[i + 1]]
                i += 1
    return merges


def gemma_tokenizer(n_merges=160):
    """A SigLIP 2 (Gemma-like) BPE tokenizer.json; <pad>=0 <eos>=1 <bos>=2 <unk>=3, then the 256 byte tokens."""
    specials = ['<pad>', '<eos>', '<bos>', '<unk>']
    vocab = {t: i for i, t in enumerate(specials)}
    for b in range(256):
        vocab[f'<0x{b:02X}>'] = len(vocab)
    for c in [SPACE] + list(string.ascii_letters) + list(string.digits) + list(string.punctuation) + list('é'):
        vocab.setdefault(c, len(vocab))
    merges = _train_merges([SPACE + w for w in CORPUS], n_merges)
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    special = [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
               for i, t in enumerate(specials)]
    return {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': special,
        'normalizer': {'type': 'Replace', 'pattern': {'String': ' '}, 'content': SPACE},
        'pre_tokenizer': None,
        'post_processor': {'type': 'TemplateProcessing',
                           'single': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '<eos>', 'type_id': 0}}],
                           'pair': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '<eos>', 'type_id': 0}},
                                    {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '<eos>', 'type_id': 1}}],
                           'special_tokens': {'<eos>': {'id': '<eos>', 'ids': [1], 'tokens': ['<eos>']}}},
        'decoder': {'type': 'Sequence', 'decoders': [{'type': 'Replace', 'pattern': {'String': SPACE}, 'content': ' '},
                                                     {'type': 'ByteFallback'}, {'type': 'Fuse'}]},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': '<unk>', 'continuing_subword_prefix': None,
                  'end_of_word_suffix': None, 'fuse_unk': True, 'byte_fallback': True, 'ignore_merges': False,
                  'vocab': vocab, 'merges': [[a, b] for a, b in merges]},
    }


def encode_unigram(tok, text):
    """Ids of `text` without special tokens, as the Rust Unigram model with the normalizer above."""
    text = text.lower()
    text = re.sub(PUNCT, '', text)
    text = re.sub(r'\s+', ' ', text).strip()
    vocab = tok['model']['vocab']
    ids = {p: i for i, (p, _) in enumerate(vocab)}
    unk = tok['model']['unk_id']
    unk_score = min(s for _, s in vocab) - 10.0
    out = []
    for word in text.replace(' ', SPACE).split(SPACE) if text else []:
        out += _viterbi(SPACE + word, vocab, ids, unk, unk_score)
    return out


def _viterbi(s, vocab, ids, unk, unk_score):
    n = len(s)
    best = [(-math.inf, -1, -1)] * (n + 1)  # (score, start, id)
    best[0] = (0.0, -1, -1)
    longest = max(len(p) for p, _ in vocab)
    for end in range(1, n + 1):
        for start in range(max(0, end - longest), end):
            piece = s[start:end]
            if piece in ids and ids[piece] != unk and best[start][0] > -math.inf:
                cand = best[start][0] + vocab[ids[piece]][1]
                if cand > best[end][0]:
                    best[end] = (cand, start, ids[piece])
        if end - 1 >= 0 and s[end - 1] not in ids and best[end - 1][0] > -math.inf:
            cand = best[end - 1][0] + unk_score
            if cand > best[end][0]:
                best[end] = (cand, end - 1, unk)
    out, end = [], n
    while end > 0:
        _, start, i = best[end]
        out.append(i)
        end = start
    out.reverse()
    fused = []
    for i in out:  # fuse_unk: consecutive unknown pieces become one <unk>
        if not (i == unk and fused and fused[-1] == unk):
            fused.append(i)
    return fused


def encode_bpe(tok, text):
    """Ids of `text` without special tokens, as the Rust BPE model (byte fallback) with the normalizer above."""
    model = tok['model']
    vocab = model['vocab']
    ranks = {tuple(m): r for r, m in enumerate(model['merges'])}
    word = list(text.replace(' ', SPACE))
    while len(word) > 1:
        pairs = [(ranks.get((a, b), math.inf), i) for i, (a, b) in enumerate(zip(word, word[1:]))]
        rank, i = min(pairs)
        if rank == math.inf:
            break
        word[i:i + 2] = [word[i] + word[i + 1]]
    out = []
    for piece in word:
        if piece in vocab:
            out.append(vocab[piece])
        else:
            out += [vocab[f'<0x{b:02X}>'] for b in piece.encode('utf-8')]
    return out


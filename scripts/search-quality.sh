#!/usr/bin/env bash
# Search quality on a corpus.jsonl + queries.jsonl pair (default: the stackfaq development set), in one run: ask's hybrid
# search, the old lexical-only search, Lucene.Net BM25 with its EnglishAnalyzer, embedding-only; for each model
# (MiniLM, MiniLMInt8, ArcticXs) also load time, query latency, documents embedded per CPU-second, memory and package size.
#   scripts/search-quality.sh                                 # stackfaq, MiniLM and ArcticXs
#   scripts/search-quality.sh --models MiniLM,MiniLMInt8      # float32 against int8 MiniLM
#   scripts/search-quality.sh --data /path/to/folder          # a folder with corpus.jsonl and queries.jsonl
#   scripts/search-quality.sh --models MiniLM --sweep         # + the fusion grid (RRF K x BM25 weight, convex); seconds once cached
#   scripts/search-quality.sh --models MiniLM --sweep --explore  # + the float32 / question-only variants
#   scripts/search-quality.sh --models MiniLM --who-knows     # + `who knows` quality: people derived from the threads, person-level
#                                                             #   hit@1 / hit@3 / MRR, leaks (private author, other team) (--who-knows-only: those rows alone)
# Embeddings are cached per model in $TMPDIR/learningbot-search-quality/embeddings-<model>.db (--no-cache: off); queries get the
# model's query prefix as in the product (ModelProfile: ArcticXs's). Cost numbers (load, latency, docs per CPU-second, memory) always come from the bare model.
# See docs/search.md for what the rows mean and the numbers measured.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/LearningBot.SearchQuality -c Release -nologo -v q
exec dotnet bench/LearningBot.SearchQuality/bin/Release/net10.0/LearningBot.SearchQuality.dll "$@"

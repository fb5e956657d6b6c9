#!/bin/sh
# Seeds the (gitignored) fuzz corpora from the real responses in shared/zsxq/samples/, read in
# place: nothing derived from the samples is committed. See docs/FUZZING.md.
#
#   crates/zsxq/fuzz/seed-corpus.sh [SAMPLES_DIR]
#
# Needs jq and sha1sum. Safe to re-run: files are named by the SHA-1 of their content, like
# libFuzzer's own, so existing corpus entries are kept and duplicates collapse.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
samples=${1:-$here/../../../../shared/zsxq/samples}
corpus=$here/corpus
[ -d "$samples" ] || { echo "no samples at $samples" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 1; }

# put TARGET: stores stdin as one corpus entry of TARGET.
put() {
    mkdir -p "$corpus/$1"
    tmp=$(mktemp)
    cat >"$tmp"
    mv "$tmp" "$corpus/$1/$(sha1sum <"$tmp" | cut -c1-40)"
}

# each TARGET FILTER FILE...: one corpus entry per JSON value FILTER yields (strings raw).
each() {
    target=$1 filter=$2
    shift 2
    jq -c "$filter" "$@" | while IFS= read -r value; do
        case $value in
        \"*) printf '%s' "$value" | jq -j . | put "$target" ;;
        *) printf '%s' "$value" | put "$target" ;;
        esac
    done
}

responses=$(ls "$samples"/GET_*.json "$samples"/PUT_*.json | grep -v '\.request\.json$')

# envelope: every whole response body, and each quoted error envelope.
for file in $responses; do put envelope <"$file"; done
each envelope 'to_entries[] | select(.key != "_note") | .value' "$samples/error_envelopes.json"

# topic: every topic object, from the lists, the detail-shaped files and quoted topics.
# shellcheck disable=SC2086
each topic '.. | objects | select(has("topic_id") and has("type"))' $responses \
    "$samples"/topic_object__*.json

# rich_text and compose_roundtrip: every rich-text field (ZSXQ markup is also a fair Markdown
# seed), plus a few Markdown documents using what the composer maps.
# shellcheck disable=SC2086
for target in rich_text compose_roundtrip; do
    each "$target" '[.. | objects | (.text?, .annotation?, .title?) | strings] | unique | .[]' \
        $responses "$samples"/topic_object__*.json "$samples"/*.request.json
done
printf '**周报** #复盘# 感谢 @深圳大冲\n\n见[汇总](https://t.zsxq.com/YouIw)。*完*' | put compose_roundtrip
printf '# 标题\n\n1. 一\n2. 二\n   - 嵌套 `代码`\n\n> 引用\n\n```\n<e type="x" />\n```\n\n<strong>粗</strong><br>\\#不是标签\\#' | put compose_roundtrip

# timestamp: every distinct date in the samples, and a few millisecond counts.
# shellcheck disable=SC2086
each timestamp '[.. | strings | select(test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))] | unique | .[]' \
    $responses "$samples"/topic_object__*.json
for millis in 0 -1 1765346165120 253402300799999; do printf '%s' "$millis" | put timestamp; done

for target in envelope topic rich_text compose_roundtrip timestamp; do
    echo "$target: $(ls "$corpus/$target" | wc -l) seeds"
done

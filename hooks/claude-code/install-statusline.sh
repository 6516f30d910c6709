#!/usr/bin/env bash
# Adds (or with --uninstall removes) AgentStats' status line in Claude Code's settings.json; the same
# as `agentstats statusline --install`. --help lists the options. Needs Node >= 20 and a built checkout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node_bin="${AGENTSTATS_NODE:-$(command -v node || true)}"
if [ -z "$node_bin" ]; then
  echo "agentstats: node (>= 20) is needed; set AGENTSTATS_NODE=/path/to/node" >&2
  exit 1
fi
case " $* " in *" --uninstall "*) ;; *" --install "*) ;; *" --help "*|*" -h "*) ;; *) set -- --install "$@" ;; esac
exec "$node_bin" "$here/../lib/statusline.mjs" "$@"

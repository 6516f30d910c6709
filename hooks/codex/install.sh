#!/usr/bin/env bash
# Installs (or with --uninstall removes) AgentStats' hooks for codex. See README.md beside this file;
# --help lists the options. The JSON/TOML editing is done by hooks/lib/install.mjs (Node >= 20).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node_bin="${AGENTSTATS_NODE:-$(command -v node || true)}"
if [ -z "$node_bin" ]; then
  echo "agentstats: node (>= 20) is needed to install the hooks; set AGENTSTATS_NODE=/path/to/node" >&2
  exit 1
fi
exec "$node_bin" "$here/../lib/install.mjs" codex "$@"

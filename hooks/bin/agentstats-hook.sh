#!/bin/sh
# AgentStats hook command (POSIX sh + curl): forwards one agent hook event to the local AgentStats
# server and keeps it in the spool whenever the server does not take it.
#
#   /bin/sh agentstats-hook.sh <claude-code|codex|gemini-cli> [--url http://127.0.0.1:3141]
#
# Contract with the agent: prints nothing, always exits 0, and never holds the agent for long:
# Claude Code's events are delivered in the background (the hook returns once the event is on
# disk, a few ms); Codex's and Gemini CLI's before it returns (curl gets 0.7 s), because the server
# times their tool calls from the order and time the Pre/Post hooks arrive in.
#
# How nothing is lost: the event (stdin) is first written to a file of its own in the spool
# directory, under a hidden name (.<agent>.<pid>.<n>.json, created exclusively); curl POSTs that
# file; on a 2xx answer the file is removed, on anything else (refused, timeout, 4xx/5xx, no curl)
# it is renamed to <agent>.<pid>.<n>.json, which the server replays (receivers/hooks/spool.ts),
# keyed by the body's bytes, so a body both delivered and spooled is stored once. One file per
# event: parallel hooks never share a file, so there is no locking, no size limit on an atomic
# append, and the body's bytes stay exact. A hidden file left by a delivery that was killed is
# replayed too once it is a minute old.
#
# Settings (environment): AGENTSTATS_URL (default http://127.0.0.1:3141; --url wins),
# AGENTSTATS_TOKEN (bearer token, passed to curl on stdin, never on its command line),
# AGENTSTATS_SPOOL_PATH (default ~/.agentstats/hook-spool.jsonl; the spool directory is that path
# without ".jsonl" plus ".d"), AGENTSTATS_SPOOL_MAX_MB (default 100: beyond it new events are
# dropped rather than fill the disk), AGENTSTATS_HOOK_SYNC=1 (Claude Code too waits for delivery).
# Only built-ins run besides cat, curl and rm (date in the background; du and mv when spooling):
# every process start costs the agent time on every event (docs/hooks.md, "Cost of a hook call").
exec >/dev/null 2>&1
# Whatever goes wrong, the agent sees exit 0 (for Claude Code, exit 2 would block the action).
trap 'exit 0' EXIT

# curl with a short budget: post <@file|@-> [more curl options]; prints the HTTP status (000 when
# there was no answer). The token goes to curl on stdin, never on its command line.
post() {
  data=$1
  shift
  if [ -n "$AGENTSTATS_TOKEN" ]; then
    printf 'Authorization: Bearer %s\n' "$AGENTSTATS_TOKEN" |
      curl -q -s -o /dev/null -w '%{http_code}' --noproxy '*' --connect-timeout 0.5 --max-time 0.7 \
        -H 'Content-Type: application/json' -H 'Expect:' -H @- "$@" --data-binary "$data" "$url"
  else
    curl -q -s -o /dev/null -w '%{http_code}' --noproxy '*' --connect-timeout 0.5 --max-time 0.7 \
      -H 'Content-Type: application/json' -H 'Expect:' "$@" --data-binary "$data" "$url"
  fi
}

main() {
  agent=$1
  case $agent in claude-code|codex|gemini-cli) ;; *) return ;; esac
  [ -t 0 ] && return
  url=${AGENTSTATS_URL:-http://127.0.0.1:3141}
  [ "$2" = --url ] && [ -n "$3" ] && url=$3
  url=${url%/}/api/hooks/$agent
  spool=${AGENTSTATS_SPOOL_PATH:-${HOME:-.}/.agentstats/hook-spool.jsonl}
  dir=${spool%.jsonl}.d
  umask 077

  # A name no other event holds: neither as a spool file nor (created exclusively) as a hidden one.
  # `true`, not `:`: a failed redirection of a special built-in would end the shell.
  [ -d "$dir" ] || mkdir -p "$dir"
  n=0
  name=$agent.$$.$n.json
  set -C
  while [ -e "$dir/$name" ] || ! true > "$dir/.$name"; do
    n=$((n + 1))
    # No writable spool: still try to deliver, straight from stdin.
    [ $n -ge 20 ] && { post @-; return; }
    name=$agent.$$.$n.json
  done
  set +C
  file=$dir/.$name
  cat > "$file"
  [ -s "$file" ] || { rm -f "$file"; return; }

  # Claude Code: delivered in the background; the agent waits only until the event is on disk.
  # Codex and Gemini CLI: delivered before the hook returns, because the server times their tool
  # calls from the Pre/Post hooks' arrival (a Post overtaking its Pre would lose the duration).
  if [ "$agent" = claude-code ] && [ "$AGENTSTATS_HOOK_SYNC" != 1 ]; then
    deliver "$file" background < /dev/null &
  else
    deliver "$file"
  fi
}

# POSTs the spooled event; removes it when taken, else makes it visible to the server's replay
# (unless the spool has reached its cap). In the background, the post carries the time the event
# was written (its file's mtime, in ms: GNU date; elsewhere the header is left out), so that posts
# overtaking each other do not reorder the events.
deliver() {
  at=
  [ "$2" = background ] && at=$(date -r "$1" +%s%3N)
  case $at in
    ''|*[!0-9]*) status=$(post "@$1") ;;
    *) status=$(post "@$1" -H "X-AgentStats-Hook-Time: $at") ;;
  esac
  case $status in
    2??) rm -f "$1"; return ;;
  esac
  case $AGENTSTATS_SPOOL_MAX_MB in ''|*[!0-9]*) max_mb=100 ;; *) max_mb=$AGENTSTATS_SPOOL_MAX_MB ;; esac
  used=$(du -sk "$dir")
  used=${used%%[!0-9]*}
  if [ "${used:-0}" -gt $((max_mb * 1024)) ]; then rm -f "$1"; else mv -f "$1" "$dir/$name"; fi
}

main "$@"
exit 0

# reverie's hook, through the resident server: bash builtins only, no process started.
#
#   /bin/bash .../reverie/capture/hook.sh <python> --agent A --event E --home H [--recall yes]
#
# Reads the event (read -N: buffered, unlike read -d), finds the server in <home>/run/resident
# ("<port> <token> <pid>", 0600), sends token, argv, the REVERIE_* and CLAUDE_PROJECT_DIR variables and
# the event over /dev/tcp/127.0.0.1 (capture/resident_call.py has the format), and prints the answer.
# Whenever that fails (no run file, no server, a refused or cut answer) or the payload is large, it runs
# the Python hook, <python> -I -S capture/hook.py with the same arguments, which also starts the server
# for the next event (--resident start). REVERIE_RESIDENT=0 goes straight to it.
# Whatever happens, the exit status is 0 and stdout carries only a complete answer.

python=$1
shift
hook=${BASH_SOURCE[0]%/*}/hook.py
trap '' PIPE # a server that closed on us: printf fails and we fall back, instead of dying of SIGPIPE

# Direct: the Python hook reads the agent's stdin itself. $1: "yes" when capture is done already.
python_hook() {
	if [[ $1 == yes ]]; then
		REVERIE_CAPTURE=0 "$python" -I -S "$hook" "${args[@]}" --resident start <<<"$payload"
	else
		"$python" -I -S "$hook" "${args[@]}" --resident start <<<"$payload"
	fi
	exit 0
}

args=("$@")
answering=
[[ " $* " == *" --recall yes "* && ${REVERIE_INJECT-} != 0 ]] && answering=yes
if [[ ${REVERIE_CAPTURE-} == 0 && -z $answering ]]; then
	exit 0 # nothing to capture and nothing to answer: what the Python hook would do first
fi
if [[ ${REVERIE_RESIDENT-} == 0 || ${BASH_VERSINFO[0]} -lt 5 ]]; then
	"$python" -I -S "$hook" "$@"
	exit 0
fi

home=${REVERIE_HOME-}
previous=
for word in "$@"; do
	[[ -z $home && $previous == --home ]] && home=$word
	previous=$word
done

# Past this many characters the Python hook is cheaper than bash (reading a large payload into a variable
# and writing it to the socket costs bash about 20 ms a MB; Python about 13): it gets what was read and,
# through cat, the rest, so it keeps (and bounds) the payload exactly as it always did.
limit=131072
payload=
[[ -t 0 ]] || IFS= read -r -N "$limit" payload
if ((${#payload} >= limit)); then
	"$python" -I -S "$hook" "$@" --resident start < <(printf '%s' "$payload" && exec cat)
	exit 0
fi

[[ -n $home ]] || python_hook no
IFS=" " read -r port token _ 2>/dev/null <"$home/run/resident" || python_hook no
[[ $port =~ ^[0-9]+$ && $token =~ ^[0-9a-f]+$ ]] || python_hook no
{ exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || python_hook no

environment=()
for name in ${!REVERIE_@} CLAUDE_PROJECT_DIR; do
	[[ -v $name ]] && environment+=("$name=${!name}")
done
printf '%s\0' "reverie-hook-1 $token" "$@" "" "${environment[@]}" "" "$payload" >&3 2>/dev/null || python_hook no

IFS= read -r -t 4 -u 3 head
[[ $head == c* ]] || python_hook no
length=${head#c}
[[ $length =~ ^[0-9]+$ ]] || python_hook yes
answer=
if ((length > 0)); then
	LC_ALL=C IFS= read -r -N "$length" -t 4 -u 3 answer
	((${#answer} == length)) || python_hook yes
	printf '%s' "$answer"
fi
exit 0

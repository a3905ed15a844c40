/** What `--help` prints, and what follows a usage error. @internal */
export const CLI_HELP = `Usage: nest-discovery <command> [options]

Commands:
  services              every service: instances (running apps), passing, endpoints, tags
  instances <name>      one service's instances with their endpoints (--tag to keep those with a tag)
  watch                 a line per change (register, deregister, update) until Ctrl-C
  registry              run a registry server here, configured by REGISTRY_* variables
                        (REGISTRY_PORT default 3100, REGISTRY_HOST, REGISTRY_DATA_DIR, REGISTRY_STORE…)

Options:
  --token <token>       read token, for a registry that guards reads (default: $REGISTRY_READ_TOKEN, else $REGISTRY_TOKEN)
  --registry <url>      registry URL (default: $REGISTRY_URL, first of a list, or http://127.0.0.1:3100)
  --tag <tag>           with "instances": only instances with this tag
  --json                machine-readable output (watch: one JSON object per line)
  --timeout <seconds>   per-request timeout (default 5)
  -h, --help            this help

Exit codes: 0 ok, 1 registry unreachable or answered an error, 2 bad usage.`;

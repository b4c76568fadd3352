// The Dockerfiles ocx writes. Their text is part of the image hashes, so any
// change here rebuilds users' images on their next run, as it should.

/** Bumped when ocx's own requirements on a base image change. */
export const BASE_RECIPE = 'ocx-base-recipe-1';

export const DEFAULT_BASE_DOCKERFILE = `FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \\
    ca-certificates curl fd-find git gnupg jq ripgrep \\
    && rm -rf /var/lib/apt/lists/*
`;

/**
 * The final image: the base plus the verified OpenCode binary (copied from the
 * host cache, so no network is needed here) and the host user. An existing
 * group with the GID is reused and the UID may be shared, as in the original;
 * an existing user of that name (root) is kept. groupadd/useradd where the base
 * has them (Debian, Ubuntu, Fedora); elsewhere (Alpine, busybox) the entries
 * are written to /etc/group and /etc/passwd directly, because their
 * addgroup/adduser refuse a GID or UID already taken (node:20-alpine's `node`
 * is 1000, as most host users are). Plain sh and grep: no getent on busybox.
 */
export const FINAL_DOCKERFILE = `ARG BASE_IMAGE
FROM \${BASE_IMAGE}
ARG USERNAME
ARG UID
ARG GID
ARG OPENCODE_VERSION
USER root
COPY opencode /usr/local/bin/opencode
RUN set -eu; chmod 0755 /usr/local/bin/opencode; \\
    shell=/bin/sh; if [ -x /bin/bash ]; then shell=/bin/bash; fi; \\
    group=$(grep "^[^:]*:[^:]*:$GID:" /etc/group | head -n 1 | cut -d: -f1); \\
    if [ -z "$group" ]; then \\
      if command -v groupadd >/dev/null 2>&1; then groupadd -g "$GID" "$USERNAME"; \\
      else echo "$USERNAME:x:$GID:" >> /etc/group; fi; \\
      group="$USERNAME"; \\
    fi; \\
    if ! grep -q "^$USERNAME:" /etc/passwd; then \\
      if command -v useradd >/dev/null 2>&1; then useradd --non-unique -u "$UID" -g "$group" -M -d "/home/$USERNAME" -s "$shell" "$USERNAME"; \\
      else echo "$USERNAME:x:$UID:$GID::/home/$USERNAME:$shell" >> /etc/passwd; fi; \\
    fi; \\
    mkdir -p "/home/$USERNAME/.cache" "/home/$USERNAME/.local" "/home/$USERNAME/.config/opencode" /workspace/tmp; \\
    chown "$UID:$GID" "/home/$USERNAME" "/home/$USERNAME/.cache" "/home/$USERNAME/.local" "/home/$USERNAME/.config" \\
      "/home/$USERNAME/.config/opencode" /workspace /workspace/tmp
USER \${USERNAME}
WORKDIR /workspace
CMD ["opencode"]
`;

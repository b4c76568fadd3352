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
 * group with the GID is reused and the UID may be shared (--non-unique), as in
 * the original; an existing user of that name (root) is kept.
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
    group=$(getent group "$GID" | cut -d: -f1 || true); \\
    if [ -z "$group" ]; then groupadd -g "$GID" "$USERNAME"; group="$USERNAME"; fi; \\
    if ! id -u "$USERNAME" >/dev/null 2>&1; then \\
      useradd --non-unique -u "$UID" -g "$group" -M -d "/home/$USERNAME" -s /bin/bash "$USERNAME"; \\
    fi; \\
    mkdir -p "/home/$USERNAME/.cache" "/home/$USERNAME/.local" "/home/$USERNAME/.config/opencode" /workspace/tmp; \\
    chown "$UID:$GID" "/home/$USERNAME" "/home/$USERNAME/.cache" "/home/$USERNAME/.local" "/home/$USERNAME/.config" \\
      "/home/$USERNAME/.config/opencode" /workspace /workspace/tmp
USER \${USERNAME}
WORKDIR /workspace
CMD ["opencode"]
`;

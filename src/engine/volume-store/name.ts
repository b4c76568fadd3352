/** Docker's rule for volume names; it also keeps a name from leaving <root>/volumes (no "/", no ".."). */
export const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,127}$/;

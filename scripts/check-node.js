// Plain JS on purpose: it must run, and fail clearly, on whatever Node npm picked.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `switchboard needs Node 24 but npm ran Node ${process.versions.node}. ` +
      'Run npm install without --ignore-scripts (the "node" dev dependency installs Node 24 in its install script).',
  );
  process.exit(1);
}

# Sourced by the scripts: installs the npm dependencies (Node 24 included, from the npm registry)
# when they are missing or older than the lock file. Downloads are cached by npm outside the repo.
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
export PATH="$PWD/node_modules/.bin:$PATH"

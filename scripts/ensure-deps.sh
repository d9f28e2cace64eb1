# Sourced by the scripts: installs the npm dependencies (Node 24 included, from the npm registry)
# when they are missing or older than the lock file. Downloads are cached by npm outside the repo.
# `npm install --no-save` rather than `npm ci`: the lock file carries no registry addresses and so
# lists only this platform's optional packages, which `npm ci` refuses; --no-save keeps it as is.
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
export PATH="$PWD/node_modules/.bin:$PATH"

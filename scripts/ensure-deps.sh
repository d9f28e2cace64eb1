# Sourced by the scripts: installs the npm dependencies (Node 24 included, from the npm registry)
# when they are missing or older than the lock file. Downloads are cached by npm outside the repo.
# A fresh clone gets exactly the lock file (`npm ci`); an older node_modules is brought up to date
# in place, and --no-save keeps the lock file as it is.
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
elif [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
export PATH="$PWD/node_modules/.bin:$PATH"
# The first install may run on an older system Node, which skips optional packages that need a
# newer one (@google-cloud/run wants Node 22): with the project's Node now first on PATH, add them.
if [ ! -d node_modules/@google-cloud/run ] || [ ! -d node_modules/@google-cloud/dataproc ] \
  || [ ! -d node_modules/@aws-sdk/client-ecs ]; then
  npm install --no-save --no-audit --no-fund --loglevel=error
fi

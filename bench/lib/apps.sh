#!/usr/bin/env bash
# Copies the apps under test into the scratch directory, so that every server runs the same files
# and the repository stays clean: the plain cases (bench/apps/plain) and the sample Laravel app.

prepare_plain_app() {
  PLAIN_APP="$WORK/apps/plain"
  mkdir -p "$WORK/apps"
  cp -r "$BENCH_HOME/apps/plain" "$PLAIN_APP"
  php "$PLAIN_APP/make-db.php" || die "could not create the SQLite database"
}

prepare_laravel_app() {
  LARAVEL_APP="$WORK/apps/laravel"
  mkdir -p "$WORK/apps"
  cp -r "$REPO/webapp-sample/laravel" "$LARAVEL_APP"
  # a fresh storage/: no database, sessions, compiled views or logs from a developer's runs
  find "$LARAVEL_APP/storage" -type f ! -name .gitignore -delete
  chmod -R a+rwX "$LARAVEL_APP/storage"
  # its own class-map autoloader, as the app's build writes it, whether or not the build has run
  rm -rf "$LARAVEL_APP/vendor"
  local out
  out="$(bash "$REPO/scripts/laravel-framework.sh" --into "$LARAVEL_APP/vendor/debian" 2>&1)" \
    || die "could not fetch Laravel for the Laravel app: $out"
  out="$(COMPOSER_ALLOW_SUPERUSER=1 composer --no-interaction --working-dir="$LARAVEL_APP" dump-autoload --optimize 2>&1)" \
    || die "composer could not write the Laravel app's autoloader: $out"
}

# The app creates and migrates its database on first use; give its notes list 20 rows to read.
seed_laravel_notes() {
  php -r '
    $pdo = new PDO("sqlite:" . $argv[1]);
    if ((int) $pdo->query("SELECT COUNT(*) FROM notes")->fetchColumn() > 0) exit(0);
    $insert = $pdo->prepare("INSERT INTO notes (title, created_at, updated_at) VALUES (?, datetime(), datetime())");
    for ($i = 1; $i <= 20; $i++) $insert->execute(["Benchmark note number $i"]);
  ' "$LARAVEL_APP/storage/app/sample.sqlite" || die "could not seed the notes table"
  chmod -R a+rwX "$LARAVEL_APP/storage"
}

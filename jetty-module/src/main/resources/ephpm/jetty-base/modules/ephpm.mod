# ePHPm for Jakarta Servlet: real PHP (ZTS libphp) inside Jetty. Installed by
# "java -jar ephpm-server.jar install-jetty-module $JETTY_BASE"; see the project's jetty-module/README.md.

[description]
Serves a PHP app (Laravel or any PHP app) with real PHP running inside the JVM, through ePHPm's
OctaneServlet: set ephpm.app to serve an app directory without a WAR. Without ephpm.app the module
only makes OctaneServlet available to ee10 webapps (WARs deployed with ee10-deploy).

[tags]
php
ephpm

[environment]
ee10

[depend]
ee10-servlet
ee10-security

[lib]
lib/ephpm/*.jar

[xml]
etc/ephpm.xml

[ini]
## There is one PHP runtime per JVM: webapps use the module's ePHPm and JNA, never a copy of their own.
jetty.webapp.addProtectedClasses+=,io.ephpm.,com.sun.jna.

[ini-template]
## The PHP app to serve (Laravel's base path), absolute or relative to $JETTY_BASE.
## Unset: no app is served; WARs in webapps/ (ee10-deploy) can still use OctaneServlet.
# ephpm.app=/srv/laravel

## The context path the app is served at.
# ephpm.contextPath=/

## The web root, relative to the app; default <app>/public if it exists, else the app itself.
# ephpm.documentRoot=public

## classic (one PHP request per HTTP request, like php-fpm), worker (a script looping over
## \Ephpm\Worker\take_request()), octane (Laravel Octane), auto (octane when the app has it).
# ephpm.mode=classic

## PHP worker threads; default one per core.
# ephpm.workers=4

## Requests after which a worker is replaced by a freshly booted one (0: never; 500 in octane mode).
# ephpm.maxRequests=0

## PHP heap size past which a worker is replaced, like 256M (0: no limit).
# ephpm.maxMemory=0

## Seconds: PHP's max_execution_time (504 past it); the wait for a free worker (then 503);
## the wait for in-flight requests when the server stops.
# ephpm.requestTimeout=30
# ephpm.queueTimeout=30
# ephpm.drainTimeout=30

## Microseconds an idle worker spins for the next request before it sleeps (0: never). It saves
## the wake-up at light load, and stops by itself while the CPUs are busy or the spins miss.
# ephpm.idleSpin=100

## Request bodies are read in full before PHP sees the request, as nginx does: up to
## bodyBufferSize in memory, beyond it in a private temp file. A body that pauses longer than
## bodyTimeout seconds, or averages less than bodyMinRate bytes a second after that grace,
## gets 408 (bodyMinRate=0: no minimum).
# ephpm.bodyBufferSize=64K
# ephpm.bodyTimeout=60
# ephpm.bodyMinRate=500

## The script each worker boots in worker mode, relative to the app (octane mode finds its own).
# ephpm.workerScript=worker.php

## Where requests for anything but an existing file go.
# ephpm.frontController=index.php

## A php.ini for the process-wide PHP runtime, relative to $JETTY_BASE.
# ephpm.iniFile=etc/php.ini

## php.ini settings for the app, comma-separated name=value; append with +=,
# ephpm.php=memory_limit=256M,upload_max_filesize=64M
# ephpm.php+=,display_errors=Off

## Environment variables PHP sees, comma-separated NAME=VALUE; append with +=,
# ephpm.env=APP_ENV=production,LOG_CHANNEL=stderr

## Variables in the worker script's boot $_SERVER only (FrankenPHP's worker env), comma-separated NAME=VALUE.
# ephpm.workerEnv=MAX_REQUESTS=500

## Names of JVM environment variables PHP may see, comma-separated.
# ephpm.passEnv=DB_PASSWORD

## A path answering the worker pool's numbers as JSON.
# ephpm.statusPath=/_ephpm/status

## A path answering the worker pool's numbers in Prometheus's text format.
# ephpm.metricsPath=/metrics

## The most native memory the app's shared tables (Octane's tables and cache) may hold.
# ephpm.tableMemory=1G

## Octane mode: PHP threads that run Octane::concurrently() tasks (default: CPU cores; 0: off).
# ephpm.taskWorkers=2

## The app's shared tables and octane cache, replicated across JVMs (hazelcast, or off). Needs the
## ephpm-cluster module (--add-modules=ephpm-cluster). Members are found by list or multicast;
## ephpm.clusterConfig names a Hazelcast XML/YAML file for everything else. See docs/cluster.md.
# ephpm.cluster=hazelcast
# ephpm.clusterName=ephpm
# ephpm.clusterMembers=10.0.0.1:5701,10.0.0.2:5701,10.0.0.3:5701
# ephpm.clusterMulticast=false
# ephpm.clusterPort=5701
# ephpm.clusterAddress=10.0.0.1
# ephpm.clusterConfig=etc/hazelcast.yaml
# ephpm.clusterTimeout=10000
# ephpm.clusterApp=shop

## Static files are answered by Jetty itself, never by PHP: ETag, Last-Modified, 304, Range, and a
## .br or .gz file beside the asked-for one when the client accepts it. Files whose names change
## with their content (URL-path globs, comma-separated; none: off) are sent with this Cache-Control.
# ephpm.versionedAssets=/build/assets/**
# ephpm.versionedAssetsCacheControl=public, max-age=31536000, immutable

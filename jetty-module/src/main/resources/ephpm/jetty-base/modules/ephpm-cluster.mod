# ePHPm cluster: the shared tables and octane cache of ePHPm apps replicated across JVMs, on an
# embedded Hazelcast member. Installed by "java -jar ephpm-server.jar install-jetty-module $JETTY_BASE"
# when ephpm-cluster.jar lies beside ephpm-server.jar; see the project's docs/cluster.md.

[description]
Replicates the shared tables (Octane::table()) and the octane cache of ePHPm apps across JVMs
through an embedded Hazelcast member. Turn it on per app with ephpm.cluster=hazelcast.

[tags]
php
ephpm

[environment]
ee10

[depend]
ephpm

[lib]
lib/ephpm-cluster/*.jar

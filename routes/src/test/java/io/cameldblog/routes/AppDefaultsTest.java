package io.cameldblog.routes;

import java.nio.file.Path;

import io.cameldblog.core.resume.FileResumeStrategy;
import io.cameldblog.core.resume.ZooKeeperResumeStrategy;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the app fills in and what it leaves alone, before anything connects: a user's {@code positions} bean is
 * kept; a cluster service declared without id or session timeout gets the app's.
 */
class AppDefaultsTest {

    @Test
    void aPositionsBeanTheUserDeclaredIsUsedAsIs() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            ZooKeeperResumeStrategy users = new ZooKeeperResumeStrategy("zk1:2181");
            camel.getRegistry().bind(PositionStore.BEAN, users);
            PositionStore.bind(camel);
            assertThat(camel.getRegistry().lookupByName(PositionStore.BEAN)).isSameAs(users);
        }
    }

    @Test
    void withoutAUserBeanTheDefaultStoreIsFilesInTheOffsetsDirectory() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            PositionStore.bind(camel);
            Object bound = camel.getRegistry().lookupByName(PositionStore.BEAN);
            assertThat(bound).isInstanceOf(FileResumeStrategy.class);
            assertThat(((FileResumeStrategy) bound).getDirectory()).isEqualTo(Path.of("offsets"));
        }
    }

    @Test
    void aDeclaredClusterServiceGetsAnIdAndTheShortSessionTimeout() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            ZooKeeperClusterService declared = new ZooKeeperClusterService();
            declared.setNodes("zk1:2181");
            declared.setBasePath("/camel-dblog/cluster");
            camel.getRegistry().bind("cluster", declared);
            HighAvailability.configure(camel);
            assertThat(declared.getId()).isEqualTo(HighAvailability.defaultInstanceId())
                    .endsWith("-" + ProcessHandle.current().pid());
            assertThat(declared.getSessionTimeout()).isEqualTo(4000);
            assertThat(camel.hasServices(org.apache.camel.cluster.CamelClusterService.class)).contains(declared);
        }
    }

    @Test
    void whatTheUserSetOnTheClusterServiceStays() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            ZooKeeperClusterService declared = new ZooKeeperClusterService();
            declared.setNodes("zk1:2181");
            declared.setBasePath("/camel-dblog/cluster");
            declared.setId("node-7");
            declared.setSessionTimeout(15_000);
            camel.getRegistry().bind("cluster", declared);
            HighAvailability.configure(camel);
            assertThat(declared.getId()).isEqualTo("node-7");
            assertThat(declared.getSessionTimeout()).isEqualTo(15_000);
        }
    }
}

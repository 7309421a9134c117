package io.cameldblog.core.testing;

import io.cameldblog.core.DbLogConfigurationException;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.resume.ResumeStrategy;
import org.apache.camel.util.ObjectHelper;

import static org.assertj.core.api.Assertions.fail;

/** A route whose start must fail: what the operator reads, the configuration error's message when there is one. */
public final class RouteStart {

    private RouteStart() {
    }

    public static String failure(String uri) {
        return failure(uri, null);
    }

    /** With {@code positions}, the route is resumable on it, as a restart from a stored position is. */
    public static String failure(String uri, ResumeStrategy positions) {
        CamelContext context = new DefaultCamelContext();
        try {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    if (positions != null) {
                        from(uri).resumable(positions).to("log:received?level=DEBUG");
                    } else {
                        from(uri).to("log:received?level=DEBUG");
                    }
                }
            });
            context.start();
        } catch (Exception e) {
            DbLogConfigurationException config = ObjectHelper.getException(DbLogConfigurationException.class, e);
            return config != null ? config.getMessage() : String.valueOf(e);
        } finally {
            context.stop();
        }
        return fail("the route started from " + uri);
    }
}

package io.cameldblog.springboot;

import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.util.CamelPropertiesHelper;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.context.ApplicationContext;

/**
 * Copies the bound {@code camel.component.<scheme>.*} values onto the component when Camel creates it; the same
 * customizer Camel's generated starters register, written once for the three camel-dblog components.
 */
final class DbLogComponentCustomizer implements ComponentCustomizer {

    private final CamelContext camelContext;
    private final ApplicationContext applicationContext;
    private final String scheme;
    private final Class<? extends Component> componentType;
    private final DbLogComponentConfigurationProperties configuration;

    DbLogComponentCustomizer(CamelContext camelContext, ApplicationContext applicationContext, String scheme,
                             Class<? extends Component> componentType,
                             DbLogComponentConfigurationProperties configuration) {
        this.camelContext = camelContext;
        this.applicationContext = applicationContext;
        this.scheme = scheme;
        this.componentType = componentType;
        this.configuration = configuration;
    }

    @Override
    public void configure(String name, Component target) {
        CamelPropertiesHelper.copyProperties(camelContext, configuration, target);
    }

    @Override
    public boolean isEnabled(String name, Component target) {
        return HierarchicalPropertiesEvaluator.evaluate(applicationContext, "camel.component.customizer",
                "camel.component." + scheme + ".customizer")
               && componentType.isInstance(target);
    }
}

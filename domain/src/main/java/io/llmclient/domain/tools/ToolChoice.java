package io.llmclient.domain.tools;

import java.util.Objects;

/**
 * Whether and which tool the model must call: OpenAI's {@code tool_choice}, which the other
 * providers can all express (Anthropic {@code auto/any/tool/none}, Gemini
 * {@code AUTO/ANY/NONE} with allowed function names).
 */
public sealed interface ToolChoice permits ToolChoice.Auto, ToolChoice.None, ToolChoice.Required, ToolChoice.Named {
    /** The model decides. */
    ToolChoice AUTO = new Auto();
    /** The model must answer in text. */
    ToolChoice NONE = new None();
    /** The model must call at least one tool. */
    ToolChoice REQUIRED = new Required();

    /** The model decides whether to call tools. */
    record Auto() implements ToolChoice {
    }

    /** The model must not call tools. */
    record None() implements ToolChoice {
    }

    /** The model must call one or more tools of its choice. */
    record Required() implements ToolChoice {
    }

    /** The model must call this function, which the request declares. */
    record Named(String name) implements ToolChoice {
        public Named {
            Objects.requireNonNull(name, "name");
        }
    }
}

package io.meridian.taskserver.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.ToolCallback;
import tools.jackson.databind.json.JsonMapper;

/** A request's messages and chat parameters as Spring AI's prompt and each provider's chat options. */
class PromptMappingTests {

    private static final ChatParameters.Tool WEATHER = new ChatParameters.Tool("get_weather",
            "The weather in a city now", "{\"type\": \"object\"}");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String SCHEMA = "{\"type\": \"object\", \"required\": [\"city\"]}";

    private static ChatParameters parameters(List<String> stop, ChatParameters.ResponseFormat format,
            ChatParameters.ToolChoice choice) {
        return new ChatParameters(0.3, 0.8, stop, 42, 0.5, -0.25, format, List.of(WEATHER), choice, false);
    }

    private static CompletionRequest request(ChatParameters parameters) {
        return new CompletionRequest("Sky colour?", null, List.of(), 50, parameters);
    }

    @Test
    void setsOllamasOptionsWithTheConfiguredKeepAliveAndTheSchemaItselfAsFormat() {
        ChatOptions defaults = OllamaChatOptions.builder().model("qwen3").numCtx(8192).build();
        ChatParameters parameters = parameters(List.of("END"),
                new ChatParameters.ResponseFormat("capital", SCHEMA, null), null);

        OllamaChatOptions options = (OllamaChatOptions) new PromptMapping("600000ms")
                .options(defaults, request(parameters), "llama3.2", Map.of());

        assertThat(options.getModel()).isEqualTo("llama3.2");
        assertThat(options.getNumCtx()).isEqualTo(8192);
        assertThat(options.getTemperature()).isEqualTo(0.3);
        assertThat(options.getTopP()).isEqualTo(0.8);
        assertThat(options.getPresencePenalty()).isEqualTo(0.5);
        assertThat(options.getFrequencyPenalty()).isEqualTo(-0.25);
        assertThat(options.getNumPredict()).isEqualTo(50);
        assertThat(options.getStop()).containsExactly("END");
        assertThat(options.getSeed()).isEqualTo(42);
        assertThat(options.getFormat()).isEqualTo(Map.of("type", "object", "required", List.of("city")));
        assertThat(options.getKeepAlive()).isEqualTo("600000ms");
        assertThat(options.getToolCallbacks()).extracting(tool -> tool.getToolDefinition().name())
                .containsExactly("get_weather");
    }

    @Test
    void asksOllamaForJsonInJsonModeAndLeavesKeepAliveToTheServerWhenUnset() {
        ChatParameters parameters = parameters(List.of(), ChatParameters.ResponseFormat.JSON_OBJECT, null);

        OllamaChatOptions options = (OllamaChatOptions) new PromptMapping(null)
                .options(OllamaChatOptions.builder().model("qwen3").build(), request(parameters), "qwen3", Map.of());

        assertThat(options.getFormat()).isEqualTo("json");
        assertThat(options.getKeepAlive()).isNull();
    }

    @Test
    void sendsTheRequestsKeepAliveToOllamaInPlaceOfTheConfiguredOne() {
        OllamaChatOptions options = (OllamaChatOptions) new PromptMapping("600000ms").options(
                OllamaChatOptions.builder().model("qwen3").build(),
                request(ChatParameters.NONE.withKeepAlive("-1s")), "qwen3", Map.of());

        assertThat(options.getKeepAlive()).isEqualTo("-1s");
    }

    @Test
    void setsOpenAisResponseFormatNamedToolChoiceAndMaxCompletionTokensAsTheClientNamedThem() {
        ChatParameters parameters = new ChatParameters(null, null, List.of("END", "STOP"), 7, null, null,
                new ChatParameters.ResponseFormat("capital", SCHEMA, true), List.of(WEATHER),
                new ChatParameters.ToolChoice(ChatParameters.ToolChoice.REQUIRED, "get_weather"), true);

        OpenAiChatOptions options = (OpenAiChatOptions) new PromptMapping("10m").options(
                OpenAiChatOptions.builder().model("Qwen/Qwen3-8B").build(), request(parameters), "Qwen/Qwen3-8B",
                Map.of());

        assertThat(options.getMaxCompletionTokens()).isEqualTo(50);
        assertThat(options.getMaxTokens()).isNull();
        assertThat(options.getStop()).containsExactly("END", "STOP");
        assertThat(options.getSeed()).isEqualTo(7);
        assertThat(options.getResponseFormat().getType()).isEqualTo(OpenAiChatModel.ResponseFormat.Type.JSON_SCHEMA);
        assertThat(options.getResponseFormat().getJsonSchema()).contains("\"required\"");
        assertThat(options.getResponseFormat().getStrict()).isTrue();
        assertThat(JSON.readTree((String) options.getToolChoice()))
                .isEqualTo(JSON.readTree("{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}"));
    }

    @Test
    void capsAnOpenAiAnswerWithMaxTokensAndSendsAModeToolChoiceAsItsName() {
        ChatParameters parameters = parameters(List.of(), ChatParameters.ResponseFormat.JSON_OBJECT,
                new ChatParameters.ToolChoice(ChatParameters.ToolChoice.REQUIRED, null));

        OpenAiChatOptions options = (OpenAiChatOptions) new PromptMapping(null).options(
                OpenAiChatOptions.builder().model("m").build(), request(parameters), "m", Map.of());

        assertThat(options.getMaxTokens()).isEqualTo(50);
        assertThat(options.getMaxCompletionTokens()).isNull();
        assertThat(options.getResponseFormat().getType()).isEqualTo(OpenAiChatModel.ResponseFormat.Type.JSON_OBJECT);
        assertThat(options.getToolChoice()).isEqualTo("required");
    }

    @Test
    void addsTheTraceToTheConfiguredHeadersOfAnOpenAiCall() {
        ChatOptions defaults = OpenAiChatOptions.builder().model("m").customHeaders(Map.of("X-Team", "search")).build();

        OpenAiChatOptions options = (OpenAiChatOptions) new PromptMapping(null).options(defaults,
                request(ChatParameters.NONE), "m", Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

        assertThat(options.getCustomHeaders()).containsEntry("X-Team", "search")
                .containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @Test
    void setsStopSequencesOnAnotherProvidersPortableOptions() {
        ChatOptions options = new PromptMapping("10m").options(ChatOptions.builder().model("m").build(),
                request(parameters(List.of("END"), null, null)), "m", Map.of());

        assertThat(options.getStopSequences()).containsExactly("END");
        assertThat(options.getTemperature()).isEqualTo(0.3);
        assertThat(options.getMaxTokens()).isEqualTo(50);
    }

    @Test
    void offersNoToolsWhenToolChoiceIsNone() {
        ChatParameters parameters = parameters(List.of(), null,
                new ChatParameters.ToolChoice(ChatParameters.ToolChoice.NONE, null));

        OllamaChatOptions options = (OllamaChatOptions) new PromptMapping(null)
                .options(OllamaChatOptions.builder().model("qwen3").build(), request(parameters), "qwen3", Map.of());

        assertThat(options.getToolCallbacks()).isNullOrEmpty();
    }

    @Test
    void offersToolsThatDescribeThemselvesAndRefuseToRun() {
        OllamaChatOptions options = (OllamaChatOptions) new PromptMapping(null).options(
                OllamaChatOptions.builder().model("qwen3").build(), request(parameters(List.of(), null, null)),
                "qwen3", Map.of());

        ToolCallback tool = options.getToolCallbacks().getFirst();
        assertThat(tool.getToolDefinition().description()).isEqualTo("The weather in a city now");
        assertThat(tool.getToolDefinition().inputSchema()).isEqualTo("{\"type\": \"object\"}");
        assertThatIllegalStateException().isThrownBy(() -> tool.call("{}"))
                .withMessage("tool 'get_weather' is the client's to run, not this server's");
    }

    @Test
    void sendsAQueryWithoutAConversationAsOneUserMessage() {
        Prompt prompt = new PromptMapping(null).prompt(OllamaChatOptions.builder().model("qwen3").build(),
                new CompletionRequest("Capital of France?", null), "qwen3", Map.of());

        assertThat(prompt.getInstructions()).singleElement().satisfies(message -> {
            assertThat(message.getMessageType()).isEqualTo(MessageType.USER);
            assertThat(message.getText()).isEqualTo("Capital of France?");
        });
    }

    @Test
    void keepsTheConversationsRolesAndNamesAToolsResultAfterItsCall() {
        List<ChatMessage> conversation = List.of(
                new ChatMessage(ChatMessage.DEVELOPER, "Be brief."),
                new ChatMessage(ChatMessage.USER, "Weather in Paris?"),
                new ChatMessage(ChatMessage.ASSISTANT, "", List.of(new ToolCall("call_7", "get_weather",
                        "{\"city\": \"Paris\"}")), null),
                new ChatMessage(ChatMessage.TOOL, "18 C, sunny", List.of(), "call_7"));

        Prompt prompt = new PromptMapping(null).prompt(OllamaChatOptions.builder().model("qwen3").build(),
                new CompletionRequest("ignored", null, conversation), "qwen3", Map.of());

        assertThat(prompt.getInstructions()).extracting(message -> message.getMessageType())
                .containsExactly(MessageType.SYSTEM, MessageType.USER, MessageType.ASSISTANT, MessageType.TOOL);
        AssistantMessage assistant = (AssistantMessage) prompt.getInstructions().get(2);
        assertThat(assistant.getToolCalls()).containsExactly(
                new AssistantMessage.ToolCall("call_7", "function", "get_weather", "{\"city\": \"Paris\"}"));
        ToolResponseMessage result = (ToolResponseMessage) prompt.getInstructions().get(3);
        assertThat(result.getResponses()).containsExactly(
                new ToolResponseMessage.ToolResponse("call_7", "get_weather", "18 C, sunny"));
    }
}

package io.llmclient.provider.support.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON mappers whose parsers and generators borrow their buffers from one shared pool.
 *
 * <p>Why: Jackson's default keeps a buffer set per thread (a thread-local), which suits a few
 * long-lived platform threads; every request here runs on a virtual thread of its own, so each
 * stream kept its own buffers for as long as it was open (see docs/benchmarks/llm-performance.md,
 * 'Idle streams').
 */
public final class SharedBufferJson {
    private SharedBufferJson() {
    }

    private static JsonFactory factory() {
        return JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
    }

    /** A mapper builder on the shared buffer pool, for adapters to add their own features to. */
    public static JsonMapper.Builder mapperBuilder() {
        return JsonMapper.builder(factory());
    }
}

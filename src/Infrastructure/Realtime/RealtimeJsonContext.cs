using System.Text.Json;
using System.Text.Json.Serialization;

namespace CleanSse.Infrastructure.Realtime;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ResetData))]
internal sealed partial class RealtimeJsonContext : JsonSerializerContext;

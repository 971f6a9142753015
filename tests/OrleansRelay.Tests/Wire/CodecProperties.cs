using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Wire;

/// <summary>Property-based checks of the codec: arbitrary input never escapes as anything but a protocol error.</summary>
public sealed class CodecProperties
{
    private const int Max = 4096;

    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(500);

    private static readonly FrameType[] Types = Enum.GetValues<FrameType>();

    [Fact]
    public void AnyBytes_DecodeIntoFramesOrFailWithAProtocolError()
    {
        Check.One(Runs, Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            var buffer = Segments.Split(bytes, 7);
            try
            {
                while (FrameReader.TryReadFrame(ref buffer, Max, out var frame))
                {
                    if (frame.Payload.Length > Max || !FrameReader.IsKnown(frame.Type))
                    {
                        return false;
                    }
                }

                return buffer.Length < bytes.Length + 1;
            }
            catch (ProtocolException)
            {
                return true;
            }
        }));
    }

    [Fact]
    public void EncodedFrames_SplitAnywhere_DecodeToTheSameFrames()
    {
        var frameGen =
            from type in Gen.Elements(Types)
            from payload in ArbMap.Default.GeneratorFor<byte[]>().Where(p => p.Length <= Max)
            select (type, payload);
        var input =
            from frames in frameGen.ListOf()
            from segment in Gen.Choose(1, 64)
            select (frames, segment);

        Check.One(Runs, Prop.ForAll(input.ToArbitrary(), x =>
        {
            var bytes = x.frames.SelectMany(f => OutboundFrame.Create(f.type, f.payload).Span.ToArray()).ToArray();
            var buffer = Segments.Split(bytes, x.segment);
            var decoded = new List<(FrameType, byte[])>();
            while (FrameReader.TryReadFrame(ref buffer, Max, out var frame))
            {
                decoded.Add((frame.Type, frame.Payload.ToArray()));
            }

            return buffer.IsEmpty
                && decoded.Count == x.frames.Count
                && decoded.Zip(x.frames).All(p => p.First.Item1 == p.Second.type && p.First.Item2.AsSpan().SequenceEqual(p.Second.payload));
        }));
    }

    [Fact]
    public void AnyBytes_ParseAsAnHttpHeadOrFailWithAProtocolError()
    {
        Check.One(Runs, Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            try
            {
                HttpHeadSerializer.ParseRequest(new ReadOnlySequence<byte>(bytes));
            }
            catch (ProtocolException)
            {
            }

            try
            {
                HttpHeadSerializer.ParseResponse(new ReadOnlySequence<byte>(bytes));
            }
            catch (ProtocolException)
            {
            }

            return true;
        }));
    }

    [Fact]
    public void ValidRequestHeads_RoundTrip_AndAnyValueWithCrLfOrNulIsRefused()
    {
        const string TokenChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
        var token = Gen.Elements(TokenChars.ToCharArray()).NonEmptyListOf().Select(c => new string([.. c]));
        var valueChar = Gen.Choose(0x20, 0x7e).Select(i => (char)i);
        var value = valueChar.ListOf().Select(c => new string([.. c]).Trim());
        var target = Gen.Elements("/abc?=&%20-._~:@!$'()*+,;".ToCharArray()).ListOf().Select(c => "/" + new string([.. c]));
        var header = from n in token from v in value select new KeyValuePair<string, string>(n, v);
        var head = from m in token from t in target from h in header.ListOf() select new HttpRequestHead(m, t, [.. h]);
        var poison = Gen.Elements('\r', '\n', '\0');

        Check.One(Runs, Prop.ForAll(head.ToArbitrary(), original =>
        {
            var parsed = HttpHeadSerializer.ParseRequest(new ReadOnlySequence<byte>(HttpHeadSerializer.WriteRequest(original)));
            return parsed.Method == original.Method && parsed.Target == original.Target && parsed.Headers.SequenceEqual(original.Headers);
        }));
        Check.One(Runs, Prop.ForAll((from h in head from p in poison from v in value select (h, p, v)).ToArbitrary(), x =>
        {
            var poisoned = x.h with { Headers = [.. x.h.Headers, new("X-Poison", x.v + x.p + "Injected: 1")] };
            try
            {
                HttpHeadSerializer.WriteRequest(poisoned);
                return false;
            }
            catch (ProtocolException)
            {
                return true;
            }
        }));
    }
}

using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using OrleansRelay.Fuzz;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Wire;

/// <summary>
/// The fuzz targets of <c>fuzz/OrleansRelay.Fuzz</c> as properties, so their invariants are checked on every test run
/// (AFL++ explores further in <c>scripts/fuzz</c>): any frame of any type, any HTTP head, and every corpus input
/// decodes, or fails with the specific protocol error of its kind.
/// </summary>
public sealed class FuzzTargetProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(1000);

    private static readonly FrameType[] Types = Enum.GetValues<FrameType>();

    private static readonly char[] Poison = ['\r', '\n', '\0', ' ', '\t', ':', '/', '?', '%', '\u0085', '\u00ff', '\u2028', '\u007f'];

    [Fact]
    public void AnyBytes_RunThroughEveryTarget_WithoutACrash()
    {
        Check.One(Runs, Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            FrameTarget.Run(bytes);
            HttpHeadTarget.Run(bytes);
        }));
    }

    [Fact]
    public void EveryFrameType_AnyPayload_DecodesOrFailsAsMalformedPayloadOrInvalidHttpHead()
    {
        var payload = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            from prefix in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 5)
            from head in MutatedHead()
            select prefix.Concat(head).ToArray());
        var frames = from type in Gen.Elements(Types) from p in payload select (type, p);

        Check.One(Runs, Prop.ForAll(frames.ToArbitrary(), x =>
        {
            var bytes = OutboundFrame.Create(x.type, x.p).Span.ToArray();
            var buffer = new ReadOnlySequence<byte>(bytes);
            Assert.True(FrameReader.TryReadFrame(ref buffer, FrameTarget.MaxPayload, out var frame));
            try
            {
                PayloadDecoder.Decode(frame);
            }
            catch (ProtocolException ex)
            {
                Assert.Contains(ex.Code, new[] { ProtocolErrorCode.MalformedPayload, ProtocolErrorCode.InvalidHttpHead });
            }
        }));
    }

    [Fact]
    public void MutatedHttpHeads_RoundTripOrFailAsInvalidHttpHead()
    {
        Check.One(Runs, Prop.ForAll(MutatedHead().ToArbitrary(), head =>
        {
            var bytes = new ReadOnlySequence<byte>(head);
            HttpHeadTarget.CheckRequest(bytes);
            HttpHeadTarget.CheckResponse(bytes);
            foreach (var parse in new Action[] { () => HttpHeadSerializer.ParseRequest(bytes), () => HttpHeadSerializer.ParseResponse(bytes) })
            {
                try
                {
                    parse();
                }
                catch (ProtocolException ex)
                {
                    Assert.Equal(ProtocolErrorCode.InvalidHttpHead, ex.Code);
                }
            }
        }));
    }

    [Fact]
    public void FuzzCorpus_EveryInput_RunsThroughItsTarget()
    {
        var corpus = Path.Combine(RepositoryPaths.Root(), "fuzz", "corpus");
        var files = 0;
        foreach (var name in FuzzTargets.Names)
        {
            var target = FuzzTargets.Find(name)!;
            foreach (var file in Directory.GetFiles(Path.Combine(corpus, name)))
            {
                target(File.ReadAllBytes(file));
                files++;
            }
        }

        Assert.True(files >= 10, $"only {files} corpus inputs under {corpus}");
    }

    /// <summary>A valid request or response head with one character replaced by, or one inserted of, a troublesome one.</summary>
    private static Gen<byte[]> MutatedHead() =>
        from head in Gen.Elements(
            "GET /zones/1?x=%20 HTTP/1.1\r\nAccept: */*\r\nX-A: b\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Type: application/json\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: a=b\r\n\r\n",
            "HTTP/1.1 204\r\n\r\n")
        from position in Gen.Choose(0, head.Length - 1)
        from poison in Gen.Elements(Poison)
        from insert in ArbMap.Default.GeneratorFor<bool>()
        select System.Text.Encoding.UTF8.GetBytes(insert
            ? head.Insert(position, poison.ToString())
            : head[..position] + poison + head[(position + 1)..]);
}
